using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RL.Envs.Remote.Protocol;
using RL.Envs.Vector;

namespace RL.Envs.Remote;

/// <summary>
/// M env servers and one group of envs on each. By default the servers are local child processes of this program
/// (the user starts nothing); with endpoints, remote ones (a DNS name expands to every address it resolves to).
/// Trainers get <see cref="Groups"/>, one <see cref="IVectorEnv"/> per server, and run one sampler loop per group so
/// no server ever waits for another; <see cref="CreateVectorEnv"/> steps all groups concurrently as one vector env.
/// A lost server is replaced (local) or reconnected with back-off (remote) in the background; restarts are bounded by
/// <see cref="RestartPolicy"/>, past which every group throws <see cref="EnvFleetFailedException"/> (exit code 3).
/// </summary>
public sealed class EnvWorkerPool : IDisposable, IAsyncDisposable
{
    private readonly ServerSlot[] _slots;
    private readonly List<RemoteVectorEnv> _groups = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Queue<DateTime> _recentRestarts = new();
    private readonly X509Certificate2? _trusted;
    private volatile EnvFleetFailedException? _failure;
    private int _disposed;

    private EnvWorkerPool(RemoteEnvOptions options, X509Certificate2? trusted, Func<EnvWorkerPool, ServerSlot[]> slots)
    {
        Options = options;
        EffectiveEnvOptions = new Dictionary<string, string>(options.EnvOptions);
        _trusted = trusted;
        _slots = slots(this);
        Stats = new EnvFleetStats(() => _failure is null ? _slots.Count(s => s.IsHealthy) : 0, _slots.Length);
    }

    public RemoteEnvOptions Options { get; }

    /// <summary>The env options sent to every server (frame_skip among them: one representation end to end, issue 16).</summary>
    public IReadOnlyDictionary<string, string> EffectiveEnvOptions { get; }

    public EnvSpec Spec { get; private set; } = null!;

    /// <summary>Envs in batch <paramref name="b"/> of <paramref name="batches"/> on a server with <paramref name="envs"/> envs: as even as possible, the first ones larger.</summary>
    public static int BatchSize(int envs, int batches, int b) => envs / batches + (b < envs % batches ? 1 : 0);

    /// <summary>One vector env per batch (BatchesPerServer per server, in server order): run one sampler loop on each.</summary>
    public IReadOnlyList<RemoteVectorEnv> Groups => _groups;

    public EnvFleetStats Stats { get; }

    /// <summary>Process ids of the local servers running now (empty for remote servers).</summary>
    public IReadOnlyList<int> ServerProcessIds => _slots.Select(s => s.Current?.ProcessId).OfType<int>().ToList();

    /// <summary>Where each slot's server is now (null while it is being replaced).</summary>
    public IReadOnlyList<EnvEndpoint?> ServerEndpoints => _slots.Select(s => s.Current?.Endpoint).ToList();

    /// <summary>Set once the fleet failed for good; every group then throws it.</summary>
    public EnvFleetFailedException? Failure => _failure;

    internal bool IsShuttingDown => _shutdown.IsCancellationRequested;
    internal CancellationToken ShutdownToken => _shutdown.Token;

    /// <summary>
    /// Starts (or reaches) every server, checks each answers its health check, and asks for the env's spec. Fails fast
    /// (R6): an env id or option the servers reject is an <see cref="ArgumentException"/>; a server that cannot start
    /// is an <see cref="EnvFleetFailedException"/> naming it, its exit status and last stderr lines.
    /// </summary>
    public static async Task<EnvWorkerPool> StartAsync(RemoteEnvOptions options, CancellationToken ct = default)
    {
        options.Validate();
        var trusted = options.TrustedCertificateFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(options.TrustedCertificateFile);
        IReadOnlyList<(EnvEndpoint Endpoint, DnsServerGroup? Group)> remote = options.IsRemote
            ? await ExpandEndpointsAsync(options, ct).ConfigureAwait(false)
            : Array.Empty<(EnvEndpoint, DnsServerGroup?)>();
        // Local servers get a fresh random token: another local user cannot drive them.
        string localToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        int servers = options.IsRemote ? remote.Count : options.LocalServers;
        int threads = options.ServerThreads > 0 ? options.ServerThreads : Math.Max(1, Environment.ProcessorCount / servers);
        var command = options.IsRemote ? null : options.ServerCommand ?? ServerCommand.CurrentProcess();

        var pool = new EnvWorkerPool(options, trusted, p => Enumerable.Range(0, servers).Select(i => new ServerSlot(i, p, options.IsRemote
            ? new RemoteServerSource(i, remote[i].Endpoint, remote[i].Group, options.Token, trusted, options.Deadlines.Health)
            : new LocalServerSource(i, command!, threads, localToken, options.ForwardServerStderr, options.Deadlines.Health))).ToArray());
        try
        {
            await pool.InitializeAsync(ct).ConfigureAwait(false);
            // Normal exit and SIGTERM run ProcessExit: stop the servers with us. (SIGKILL cannot be caught; the
            // servers then see their stdin close and stop themselves.)
            AppDomain.CurrentDomain.ProcessExit += pool.OnProcessExit;
            return pool;
        }
        catch
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Synchronous <see cref="StartAsync"/>.</summary>
    public static EnvWorkerPool Start(RemoteEnvOptions options) => StartAsync(options).GetAwaiter().GetResult();

    private async Task InitializeAsync(CancellationToken ct)
    {
        var starts = _slots.Select(async slot =>
        {
            try
            {
                await slot.StartAsync(Options.Restarts.ServerStartTimeout, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw new EnvFleetFailedException($"{slot.Name} failed to start: {e.Message}", e);
            }
        }).ToList();
        try
        {
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        catch
        {
            // Report the first failure in slot order, not whichever finished first.
            throw starts.First(t => t.IsFaulted).Exception!.InnerException!;
        }

        EnvSpec? spec = null;
        foreach (var slot in _slots)
        {
            var c = slot.Current!;
            var request = new DescribeRequest { EnvId = Options.EnvId };
            foreach (var (k, v) in EffectiveEnvOptions) request.Options[k] = v;
            DescribeReply reply;
            try
            {
                reply = await c.Client.DescribeAsync(request, c.Headers, DateTime.UtcNow + Options.Deadlines.Open, ct).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                throw new ArgumentException($"{c.Name} rejects env '{Options.EnvId}': {e.Status.Detail}", e);
            }
            catch (RpcException e)
            {
                throw new EnvFleetFailedException($"{c.Name} cannot describe env '{Options.EnvId}': {e.StatusCode}: {e.Status.Detail}", e);
            }
            var s = reply.Spec.FromProto($"{c.Name} DescribeReply");
            if (spec is null) spec = s;
            else if (s.ObservationSize != spec.ObservationSize || s.ActionSize != spec.ActionSize || s.SimulatorVersion != spec.SimulatorVersion)
                throw new EnvFleetFailedException($"{c.Name} serves '{s.Id}' ({s.ObservationSize} obs, {s.ActionSize} actions, {s.Simulator} {s.SimulatorVersion}) unlike {_slots[0].Name} ({spec.ObservationSize}, {spec.ActionSize}, {spec.Simulator} {spec.SimulatorVersion}).");
        }
        Spec = spec!;
        int batches = Options.BatchesPerServer;
        foreach (var slot in _slots)
            for (int b = 0; b < batches; b++)
                _groups.Add(new RemoteVectorEnv(this, slot, slot.Index * batches + b, Spec, BatchSize(Options.EnvsPerServer, batches, b)));

        // Sampler threads block on gRPC completions that need thread-pool threads; with few cores the pool would
        // otherwise add threads at its slow injection rate and steps would stall behind it.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount + 2 * _slots.Length), io);
    }

    /// <summary>All groups as one vector env, stepped concurrently; a lost group's rows come back as dropped.</summary>
    public PooledVectorEnv CreateVectorEnv() => new(this, _groups);

    private static async Task<IReadOnlyList<(EnvEndpoint, DnsServerGroup?)>> ExpandEndpointsAsync(RemoteEnvOptions o, CancellationToken ct)
    {
        var result = new List<(EnvEndpoint, DnsServerGroup?)>();
        foreach (var endpoint in o.Endpoints)
        {
            if (!endpoint.IsDnsName)
            {
                result.Add((endpoint, null));
                continue;
            }
            var group = new DnsServerGroup(endpoint, o.Resolve);
            IReadOnlyList<EnvEndpoint> resolved;
            try
            {
                resolved = await group.ResolveAsync(ct).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new EnvFleetFailedException($"env endpoint {endpoint}: cannot resolve '{endpoint.Host}': {e.Message}", e);
            }
            if (resolved.Count == 0) throw new EnvFleetFailedException($"env endpoint {endpoint}: '{endpoint.Host}' resolves to no address.");
            result.AddRange(resolved.Select(r => (r, (DnsServerGroup?)group)));
        }
        return result;
    }

    // --- Restart policy (R3-R5) ---

    internal void ThrowIfFailed()
    {
        if (_failure is { } failure) throw failure;
    }

    /// <summary>Counts a lost server; false when the fleet has now failed (no replacement then).</summary>
    internal bool OnServerLost(ServerSlot slot, ServerConnection lost, bool timedOut, string reason)
    {
        if (IsShuttingDown) return false;
        Stats.AddRestart();
        if (timedOut) Stats.AddTimeout();
        var policy = Options.Restarts;
        int recent;
        lock (_recentRestarts)
        {
            var now = DateTime.UtcNow;
            _recentRestarts.Enqueue(now);
            while (_recentRestarts.Count > 0 && now - _recentRestarts.Peek() > TimeSpan.FromMinutes(1)) _recentRestarts.Dequeue();
            recent = _recentRestarts.Count;
            if (now - lost.ReadySince >= policy.HealthyAfter) slot.ConsecutiveFailures = 0;
            slot.ConsecutiveFailures++;
        }
        if (recent > policy.MaxRestartsPerMinute)
            return Fail(slot, lost.Name, $"{recent} env server restarts within a minute (limit {policy.MaxRestartsPerMinute} per minute, a crash storm)", reason);
        if (slot.ConsecutiveFailures > policy.MaxConsecutiveFailuresPerSlot)
            return Fail(slot, lost.Name, $"{slot.ConsecutiveFailures} consecutive failures of slot {slot.Index} (limit {policy.MaxConsecutiveFailuresPerSlot})", reason);
        return true;
    }

    /// <summary>Counts a batch lost on a server that still serves (an env failed); fails the fleet past the limits.</summary>
    internal void OnBatchLost(ServerSlot slot, ServerConnection connection, string reason) => OnServerLost(slot, connection, timedOut: false, reason);

    /// <summary>Counts a replacement that failed to come up; false when the fleet has now failed.</summary>
    internal bool OnStartFailed(ServerSlot slot, string reason)
    {
        if (IsShuttingDown) return false;
        int failures = ++slot.ConsecutiveFailures;
        if (failures > Options.Restarts.MaxConsecutiveFailuresPerSlot)
            return Fail(slot, slot.Name, $"{failures} consecutive failures of slot {slot.Index} (limit {Options.Restarts.MaxConsecutiveFailuresPerSlot})", reason);
        return true;
    }

    private bool Fail(ServerSlot slot, string server, string limit, string reason)
    {
        string report = slot.LastReport;
        var failure = new EnvFleetFailedException(
            $"env servers keep failing: {limit}. Last failure: {server}: {reason}.{(report.Length > 0 ? $"{Environment.NewLine}{report}" : "")}");
        lock (_recentRestarts)
        {
            if (_failure is not null) return false;
            _failure = failure;
        }
        foreach (var s in _slots) s.Fail(failure);
        return false;
    }

    // --- Shutdown ---

    private void OnProcessExit(object? sender, EventArgs e)
    {
        _shutdown.Cancel();
        Parallel.ForEach(_slots, s => s.Dispose());
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _shutdown.Cancel();
        await Task.WhenAll(_groups.Select(g => g.CloseAsync())).ConfigureAwait(false);
        await Task.WhenAll(_slots.Select(s => Task.Run(s.Dispose))).ConfigureAwait(false);
        _shutdown.Dispose();
        _trusted?.Dispose();
    }

    /// <summary>Closes every batch and stops every local server (stdin closed, then killed if it lingers).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
