using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace RL.Envs.Remote;

/// <summary>Where a slot's servers come from: it makes a new connection and tears a lost one down.</summary>
internal interface IServerSource : IDisposable
{
    /// <summary>A name for messages before any server is connected.</summary>
    string Describe();

    /// <summary>A new, healthy connection (a fresh local process, or a remote server that answers SERVING).</summary>
    Task<ServerConnection> ConnectAsync(TimeSpan timeout, CancellationToken ct);

    /// <summary>Gets rid of a lost connection's server; returns what is known about its end (exit status, stderr).</summary>
    string Teardown(ServerConnection lost);

    /// <summary>Raised when the server dies on its own (local processes), so its replacement starts before anyone steps.</summary>
    event Action<ServerConnection, string>? Died;
}

/// <summary>A local env server process per slot, started with <see cref="ServerCommand"/>.</summary>
internal sealed class LocalServerSource : IServerSource
{
    private readonly int _slot;
    private readonly ServerCommand _command;
    private readonly int _threads;
    private readonly string _token;
    private readonly bool _forwardStderr;
    private readonly TimeSpan _healthDeadline;
    private LocalServerProcess? _process;
    private ServerConnection? _connection;

    public LocalServerSource(int slot, ServerCommand command, int threads, string token, bool forwardStderr, TimeSpan healthDeadline)
    {
        _slot = slot;
        _command = command;
        _threads = threads;
        _token = token;
        _forwardStderr = forwardStderr;
        _healthDeadline = healthDeadline;
    }

    public event Action<ServerConnection, string>? Died;

    public int? ProcessId => _process?.ProcessId;

    public string Describe() => _connection?.Name ?? $"env server {_slot} (local, '{_command}')";

    public async Task<ServerConnection> ConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var process = await LocalServerProcess.StartAsync(_command, _slot, _threads, _token, $"env server {_slot}", _forwardStderr, timeout, ct).ConfigureAwait(false);
        var connection = ServerConnection.Create(process.Endpoint!, _token, null, $"env server {_slot} (pid {process.ProcessId}, {process.Endpoint})", process.ProcessId);
        var remaining = timeout - (DateTime.UtcNow - started);
        if (!await connection.IsServingAsync(remaining > _healthDeadline ? remaining : _healthDeadline, ct).ConfigureAwait(false))
        {
            connection.Dispose();
            process.Kill();
            string report = process.Report();
            process.Dispose();
            throw new IOException($"env server {_slot} (pid {process.ProcessId}) listens but does not answer its health check as SERVING: {report}");
        }
        _process = process;
        _connection = connection;
        WatchExit(process, connection);
        return connection;
    }

    private void WatchExit(LocalServerProcess process, ServerConnection connection) =>
        _ = Task.Run(async () =>
        {
            while (!process.HasExited)
            {
                if (!ReferenceEquals(_process, process)) return;
                await Task.Delay(100).ConfigureAwait(false);
            }
            if (ReferenceEquals(_process, process)) Died?.Invoke(connection, $"process exited: {process.DescribeExit()}");
        });

    public string Teardown(ServerConnection lost)
    {
        lost.Dispose();
        var process = _process;
        if (process is null || lost.ProcessId != process.ProcessId) return "";
        _process = null;
        process.Kill();
        string report = process.Report();
        process.Dispose();
        return report;
    }

    public void Dispose()
    {
        var process = _process;
        _process = null;
        _connection?.Dispose();
        process?.Dispose();
    }
}

/// <summary>
/// A remote server per slot. A slot that came from a DNS name shares the name's addresses with its siblings and,
/// after a loss, takes a freshly resolved address that no sibling uses (a replaced Kubernetes pod has a new IP).
/// </summary>
internal sealed class RemoteServerSource : IServerSource
{
    private readonly int _slot;
    private readonly DnsServerGroup? _group;
    private readonly string? _token;
    private readonly X509Certificate2? _trusted;
    private readonly TimeSpan _healthDeadline;
    private EnvEndpoint _endpoint;

    public RemoteServerSource(int slot, EnvEndpoint endpoint, DnsServerGroup? group, string? token, X509Certificate2? trusted, TimeSpan healthDeadline)
    {
        _slot = slot;
        _endpoint = endpoint;
        _group = group;
        _token = token;
        _trusted = trusted;
        _healthDeadline = healthDeadline;
        _group?.Claim(slot, endpoint);
    }

    public event Action<ServerConnection, string>? Died { add { } remove { } }

    public string Describe() => $"env server {_slot} ({_endpoint}{(_group is null ? "" : $", from {_group.Name}")})";

    public async Task<ServerConnection> ConnectAsync(TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        var backoff = TimeSpan.FromMilliseconds(100);
        string why = "";
        do
        {
            if (_group is not null) _endpoint = await _group.PickAsync(_slot, _endpoint, _token, _trusted, _healthDeadline, ct).ConfigureAwait(false);
            var connection = ServerConnection.Create(_endpoint, _token, _trusted, $"env server {_slot} ({_endpoint})", null);
            if (await connection.IsServingAsync(_healthDeadline, ct).ConfigureAwait(false)) return connection;
            connection.Dispose();
            why = $"no SERVING answer to a health check at {_endpoint}";
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) break;
            await Task.Delay(backoff < left ? backoff : left, ct).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
        while (DateTime.UtcNow < until);
        throw new IOException($"{Describe()}: {why} within {timeout.TotalSeconds:F0} s.");
    }

    public string Teardown(ServerConnection lost)
    {
        lost.Dispose();
        return "";
    }

    public void Dispose() { }
}

/// <summary>The servers behind one DNS name (e.g. a Kubernetes headless service): one slot per resolved address.</summary>
internal sealed class DnsServerGroup
{
    private readonly EnvEndpoint _template;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly Dictionary<int, string> _claims = new();

    public DnsServerGroup(EnvEndpoint template, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        _template = template;
        _resolve = resolve;
    }

    public string Name => _template.ToString();

    public async Task<IReadOnlyList<EnvEndpoint>> ResolveAsync(CancellationToken ct)
    {
        var addresses = await _resolve(_template.Host, ct).ConfigureAwait(false);
        return addresses.Distinct().OrderBy(a => a.ToString(), StringComparer.Ordinal).Select(a => _template.WithHost(a)).ToList();
    }

    public void Claim(int slot, EnvEndpoint endpoint)
    {
        lock (_claims) _claims[slot] = endpoint.ToString();
    }

    /// <summary>The slot's previous address if it serves again, else a resolved address no other slot holds.</summary>
    public async Task<EnvEndpoint> PickAsync(int slot, EnvEndpoint previous, string? token, X509Certificate2? trusted, TimeSpan healthDeadline, CancellationToken ct)
    {
        IReadOnlyList<EnvEndpoint> resolved;
        try
        {
            resolved = await ResolveAsync(ct).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return previous;
        }
        var candidates = new List<EnvEndpoint> { previous };
        lock (_claims)
        {
            var taken = _claims.Where(c => c.Key != slot).Select(c => c.Value).ToHashSet();
            candidates.AddRange(resolved.Where(e => !taken.Contains(e.ToString()) && e.ToString() != previous.ToString()));
        }
        foreach (var candidate in candidates)
        {
            using var probe = ServerConnection.Create(candidate, token, trusted, "probe", null);
            if (await probe.IsServingAsync(healthDeadline, ct).ConfigureAwait(false))
            {
                Claim(slot, candidate);
                return candidate;
            }
        }
        return previous;
    }
}
