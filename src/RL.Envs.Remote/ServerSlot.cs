using RL.Envs.Vector;

namespace RL.Envs.Remote;

/// <summary>
/// One place in the pool that always wants a server. When its server is lost it tears it down and brings up a
/// replacement in the background (a new local process, or a reconnect with back-off), so the trainer's other groups
/// keep sampling meanwhile; the group's next Reset waits for it (bounded). Restarts are counted and bounded by the
/// pool's <see cref="RestartPolicy"/>.
/// </summary>
internal sealed class ServerSlot : IDisposable
{
    private readonly EnvWorkerPool _pool;
    private readonly IServerSource _source;
    private readonly object _lock = new();
    private ServerConnection? _current;
    private TaskCompletionSource<ServerConnection> _ready = NewReady();
    private bool _disposed;

    public ServerSlot(int index, EnvWorkerPool pool, IServerSource source)
    {
        Index = index;
        _pool = pool;
        _source = source;
        _source.Died += (connection, why) => ReportLost(connection, timedOut: false, why);
    }

    public int Index { get; }
    public IServerSource Source => _source;

    /// <summary>Failures of this slot since its server last ran healthily for <see cref="RestartPolicy.HealthyAfter"/>.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>What is known about the last lost server (exit status, stderr tail) or the last failed start.</summary>
    public string LastReport { get; private set; } = "";

    public ServerConnection? Current => Volatile.Read(ref _current);
    public bool IsHealthy => Current is not null;
    public string Name => Current?.Name ?? _source.Describe();

    private static TaskCompletionSource<ServerConnection> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first connection, at pool start: no retries, so a broken setup fails fast (R6).</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken ct)
    {
        var connection = await _source.ConnectAsync(timeout, ct).ConfigureAwait(false);
        lock (_lock)
        {
            _current = connection;
            _ready.TrySetResult(connection);
        }
    }

    /// <summary>The live connection, waiting up to <paramref name="timeout"/> for a replacement.</summary>
    public async Task<ServerConnection> WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        _pool.ThrowIfFailed();
        Task<ServerConnection> ready;
        lock (_lock)
        {
            if (_current is not null) return _current;
            ready = _ready.Task;
        }
        try
        {
            return await ready.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new EnvWorkerLostException(Name, $"its replacement was not ready within {timeout.TotalSeconds:F0} s{(LastReport.Length > 0 ? $" (last: {LastReport})" : "")}", timedOut: true);
        }
    }

    /// <summary>
    /// Marks <paramref name="lost"/> as gone and starts its replacement. Reports about a connection that was already
    /// replaced are ignored, so several groups (or the exit watcher and a failing step) can report the same loss.
    /// </summary>
    public void ReportLost(ServerConnection lost, bool timedOut, string reason)
    {
        lock (_lock)
        {
            if (_disposed || !ReferenceEquals(_current, lost)) return;
            _current = null;
            _ready = NewReady();
        }
        // Torn down first (a hung server is killed here), so its exit status and stderr are known for the messages.
        string report = _source.Teardown(lost);
        LastReport = report.Length > 0 ? $"{lost.Name}: {report}" : "";
        if (!_pool.OnServerLost(this, lost, timedOut, reason)) return;
        _ = Task.Run(RestoreAsync);
    }

    private async Task RestoreAsync()
    {
        var policy = _pool.Options.Restarts;
        var backoff = policy.InitialBackoff;
        while (true)
        {
            if (_disposed || _pool.IsShuttingDown) return;
            try
            {
                var connection = await _source.ConnectAsync(policy.ServerStartTimeout, _pool.ShutdownToken).ConfigureAwait(false);
                lock (_lock)
                {
                    if (_disposed)
                    {
                        connection.Dispose();
                        return;
                    }
                    _current = connection;
                    _ready.TrySetResult(connection);
                }
                return;
            }
            catch (OperationCanceledException) when (_pool.IsShuttingDown)
            {
                return;
            }
            catch (Exception e)
            {
                LastReport = e.Message;
                if (!_pool.OnStartFailed(this, e.Message)) return;
            }
            try
            {
                await Task.Delay(backoff, _pool.ShutdownToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, policy.MaxBackoff.Ticks));
        }
    }

    /// <summary>Fails every waiter with the fleet's failure.</summary>
    public void Fail(Exception failure)
    {
        lock (_lock) _ready.TrySetException(failure);
    }

    public void Dispose()
    {
        ServerConnection? current;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            current = _current;
            _current = null;
            _ready.TrySetException(new ObjectDisposedException(nameof(EnvWorkerPool), "the env worker pool was disposed."));
        }
        current?.Dispose();
        _source.Dispose();
    }
}
