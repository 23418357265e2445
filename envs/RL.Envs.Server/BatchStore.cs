using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace RL.Envs.Server;

/// <summary>
/// The batches open on one server, with the server-wide env limit and idle expiry (a client that vanished without
/// Close must not hold simulators forever). Batch ids start at a random value per process, so an id from before a
/// server restart is NOT_FOUND instead of silently naming someone else's batch.
/// </summary>
internal sealed class BatchStore : IDisposable
{
    private readonly ConcurrentDictionary<ulong, EnvBatch> _batches = new();
    private readonly ServerOptions _options;
    private readonly ILogger _log;
    private readonly Timer _sweeper;
    private long _nextId;
    private int _openEnvs;

    public BatchStore(ServerOptions options, ILogger<BatchStore> log)
    {
        _options = options;
        _log = log;
        _nextId = (long)(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 16);
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(options.BatchIdleTimeout.Ticks / 4, TimeSpan.FromSeconds(30).Ticks)));
        _sweeper = new Timer(_ => Sweep(), null, period, period);
    }

    public int OpenEnvs => Volatile.Read(ref _openEnvs);

    /// <summary>Reserves room for <paramref name="count"/> envs, or fails with RESOURCE_EXHAUSTED.</summary>
    public void Reserve(int count)
    {
        int after = Interlocked.Add(ref _openEnvs, count);
        if (after > _options.MaxEnvs)
        {
            Interlocked.Add(ref _openEnvs, -count);
            throw Statuses.ResourceExhausted($"OpenRequest.num_envs = {count}: this server has {after - count} of its {_options.MaxEnvs} envs open (--max-envs).");
        }
    }

    public void Release(int count) => Interlocked.Add(ref _openEnvs, -count);

    public ulong NextId() => (ulong)Interlocked.Increment(ref _nextId);

    public void Add(EnvBatch batch) => _batches[batch.Id] = batch;

    public EnvBatch Get(ulong id, string field) =>
        _batches.TryGetValue(id, out var batch)
            ? batch
            : throw Statuses.NotFound($"{field} = {id}: no such batch on this server (closed, expired after {_options.BatchIdleTimeout.TotalSeconds:F0} s idle, or opened before the server restarted).");

    public bool Close(ulong id)
    {
        if (!_batches.TryRemove(id, out var batch)) return false;
        DisposeBatch(batch);
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
                DisposeBatch(batch);
            }
        }
    }

    private void DisposeBatch(EnvBatch batch)
    {
        Release(batch.NumEnvs);
        // A batch whose env hangs in a step is still busy: disposing it under the stuck thread would only add a
        // second fault. Its envs stay allocated until the process ends.
        if (!batch.IsBusy) batch.Dispose();
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var id in _batches.Keys) Close(id);
    }
}
