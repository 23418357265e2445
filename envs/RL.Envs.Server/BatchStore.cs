using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RL.Envs.Server;

/// <summary>
/// The batches open on one server, with the server-wide limits (env count and estimated env memory) and idle expiry
/// (a client that vanished without Close must not hold simulators forever). Batch ids start at a random value per
/// process, so an id from before a server restart is NOT_FOUND instead of silently naming someone else's batch.
/// Removing a batch only closes it (<see cref="EnvBatch.Close"/>): its envs are freed once no call uses them, and
/// their reservation is returned then.
/// </summary>
internal sealed class BatchStore : IDisposable
{
    private readonly ConcurrentDictionary<ulong, EnvBatch> _batches = new();
    private readonly ServerOptions _options;
    private readonly ILogger _log;
    private readonly Timer _sweeper;
    private readonly object _gate = new();
    private long _nextId;
    private int _openEnvs;
    private long _reservedBytes;
    private bool _stopping;

    public BatchStore(ServerOptions options, ILogger<BatchStore> log)
    {
        _options = options;
        _log = log;
        _nextId = (long)(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 16);
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(options.BatchIdleTimeout.Ticks / 4, TimeSpan.FromSeconds(30).Ticks)));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    public int OpenEnvs
    {
        get { lock (_gate) return _openEnvs; }
    }

    /// <summary>
    /// Reserves room for <paramref name="count"/> envs of <paramref name="bytesPerEnv"/> estimated bytes each, or
    /// fails with RESOURCE_EXHAUSTED naming the numbers and the flag (UNAVAILABLE while the server stops).
    /// </summary>
    public void Reserve(string envId, int count, long bytesPerEnv)
    {
        long need = count * bytesPerEnv;
        lock (_gate)
        {
            if (_stopping) throw ShuttingDown("Open");
            if (_openEnvs + count > _options.MaxEnvs)
                throw Statuses.ResourceExhausted($"OpenRequest.num_envs = {count}: this server has {_openEnvs} of its {_options.MaxEnvs} envs open (--max-envs).");
            long budget = _options.EffectiveMaxEnvMemoryBytes;
            if (_reservedBytes + need > budget)
                throw Statuses.ResourceExhausted(
                    $"OpenRequest.num_envs = {count}: {count} '{envId}' envs need about {Mb(need)} ({Mb(bytesPerEnv)} each, estimated), but this server has " +
                    $"{Mb(_reservedBytes)} of its {Mb(budget)} env memory budget in use (--max-env-memory-mb{(_options.MaxEnvMemoryMb is null ? $", default: {ServerOptions.DefaultMemoryFraction:P0} of the {Mb(ServerOptions.AvailableMemoryBytes)} this machine or container has" : "")}).");
            _openEnvs += count;
            _reservedBytes += need;
        }
    }

    public void Release(int count, long bytesPerEnv)
    {
        lock (_gate)
        {
            _openEnvs -= count;
            _reservedBytes -= count * bytesPerEnv;
        }
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.#} MB");

    public ulong NextId() => (ulong)Interlocked.Increment(ref _nextId);

    /// <summary>Registers an opened batch; false (and the batch is closed) when the server began stopping meanwhile.</summary>
    public bool Add(EnvBatch batch)
    {
        _batches[batch.Id] = batch;
        lock (_gate)
        {
            if (!_stopping) return true;
        }
        if (_batches.TryRemove(batch.Id, out _)) batch.Close(StatusCode.Unavailable, ShuttingDownText(batch.Id));
        return false;
    }

    public EnvBatch Get(ulong id, string field)
    {
        if (_batches.TryGetValue(id, out var batch)) return batch;
        lock (_gate)
        {
            if (_stopping) throw ShuttingDown(field);
        }
        throw Statuses.NotFound($"{field} = {id}: no such batch on this server (closed, expired after {_options.BatchIdleTimeout.TotalSeconds:F0} s idle, or opened before the server restarted).");
    }

    /// <summary>Closes a batch (its envs are freed once no call uses them); false when no such batch is open.</summary>
    public bool Close(ulong id)
    {
        if (!_batches.TryRemove(id, out var batch)) return false;
        batch.Close(StatusCode.NotFound, $"batch {id} was closed by a Close call; open a new one.");
        return true;
    }

    private void Sweep()
    {
        foreach (var batch in _batches.Values)
        {
            if (batch.IsBusy || batch.Idle < _options.BatchIdleTimeout) continue;
            if (_batches.TryRemove(batch.Id, out _))
            {
                _log.LogWarning("closing batch {Batch} of {Count} '{Env}' envs (client {Client}): idle for {Idle:F0} s", batch.Id, batch.NumEnvs, batch.Spec.Id, batch.Client, batch.Idle.TotalSeconds);
                batch.Close(StatusCode.NotFound, $"batch {batch.Id} was closed after {_options.BatchIdleTimeout.TotalSeconds:F0} s idle (--idle-timeout); open a new one.");
            }
        }
    }

    private static string ShuttingDownText(ulong id) => $"the env server is shutting down; batch {id} is closed.";

    private static RpcException ShuttingDown(string call) =>
        new(new Status(StatusCode.Unavailable, $"{call}: the env server is shutting down; open the batch on another server."));

    /// <summary>
    /// The server is stopping: no new batch, and every open one is closed with UNAVAILABLE. Calls in progress finish
    /// and free their batch when they return, so nothing steps freed simulators while the host drains.
    /// </summary>
    public void Dispose()
    {
        lock (_gate) _stopping = true;
        _sweeper.Dispose();
        foreach (var id in _batches.Keys)
            if (_batches.TryRemove(id, out var batch)) batch.Close(StatusCode.Unavailable, ShuttingDownText(id));
    }
}
