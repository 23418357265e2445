using RL.Envs.Vector;

namespace RL.Envs.Remote;

/// <summary>
/// All groups of a pool as one <see cref="IVectorEnv"/> (for on-policy trainers that step every env together): each
/// Step sends every group's actions at once and waits for all replies, so the servers step in parallel. A group whose
/// server is lost does not stop the others: its rows come back <see cref="VectorStepResult.Dropped"/> and truncated
/// with reason <see cref="EndReason.ServerLost"/> (the episodes in flight are summarised once, in
/// <see cref="VectorStepResult.Episodes"/>), and keep coming back that way, observations unchanged, until its
/// replacement is up; in that step its rows hold the first observations of fresh episodes (still dropped: no
/// transition leads there). <see cref="EnvFleetFailedException"/> propagates.
/// </summary>
public sealed class PooledVectorEnv : IVectorEnv
{
    private readonly EnvWorkerPool _pool;
    private readonly RemoteVectorEnv[] _groups;
    private readonly int[] _offsets;
    private readonly VectorStepResult[] _results;
    private readonly bool[] _down;
    private readonly bool[] _stepped, _lostGroup;
    private readonly Task?[] _reopening;
    private readonly float[] _lastObservations;
    private readonly int _obs, _act;

    internal PooledVectorEnv(EnvWorkerPool pool, IReadOnlyList<RemoteVectorEnv> groups)
    {
        _pool = pool;
        _groups = groups.ToArray();
        Spec = pool.Spec;
        _obs = Spec.ObservationSize;
        _act = Spec.ActionSize;
        _offsets = new int[_groups.Length];
        for (int g = 1; g < _groups.Length; g++) _offsets[g] = _offsets[g - 1] + _groups[g - 1].NumEnvs;
        NumEnvs = _groups.Sum(g => g.NumEnvs);
        _results = _groups.Select(g => new VectorStepResult(g.NumEnvs, _obs)).ToArray();
        _down = new bool[_groups.Length];
        _stepped = new bool[_groups.Length];
        _lostGroup = new bool[_groups.Length];
        _reopening = new Task?[_groups.Length];
        _lastObservations = new float[NumEnvs * _obs];
    }

    public EnvSpec Spec { get; }
    public int NumEnvs { get; }
    public IReadOnlyList<RemoteVectorEnv> Groups => _groups;

    /// <summary>The seed of pooled env <paramref name="env"/>'s current episode, as its group knows it.</summary>
    public long? EpisodeSeed(int env)
    {
        int g = Array.FindLastIndex(_offsets, o => o <= env);
        return _groups[g].EpisodeSeed(env - _offsets[g]);
    }

    /// <summary>Groups whose rows are dropped right now because their server is being replaced.</summary>
    public int DownGroups => _down.Count(d => d);

    public void Reset(ReadOnlySpan<long> seeds, Span<float> observations)
    {
        if (seeds.Length != 0 && seeds.Length != NumEnvs)
            throw new ArgumentException($"Reset got {seeds.Length} seeds for {NumEnvs} envs (give none or one per env).");
        if (observations.Length != NumEnvs * _obs)
            throw new ArgumentException($"Reset needs an observation buffer of {NumEnvs}×{_obs} = {NumEnvs * _obs}, got {observations.Length}.");
        long[] all = seeds.ToArray();
        var resets = _groups.Select((g, i) => g.ResetAsync(all.Length == 0 ? all : all[_offsets[i]..(_offsets[i] + g.NumEnvs)], CancellationToken.None)).ToArray();
        try
        {
            Task.WaitAll(resets);
        }
        catch (AggregateException)
        {
            // Reported per group below.
        }
        for (int g = 0; g < _groups.Length; g++)
        {
            var rows = _lastObservations.AsSpan(_offsets[g] * _obs, _groups[g].NumEnvs * _obs);
            if (resets[g].IsCompletedSuccessfully)
            {
                resets[g].Result.CopyTo(rows);
                _down[g] = false;
                continue;
            }
            var error = resets[g].Exception!.InnerException!;
            if (error is not EnvWorkerLostException) throw error;
            // Its server did not come back in time: the group stays down (rows dropped) while the others run.
            rows.Clear();
            _down[g] = true;
        }
        _lastObservations.CopyTo(observations);
    }

    public void Step(ReadOnlySpan<float> actions, VectorStepResult result)
    {
        if (actions.Length != NumEnvs * _act)
            throw new ArgumentException($"Step got {actions.Length} action values for {NumEnvs} envs × {_act} = {NumEnvs * _act}.");
        if (result.NumEnvs != NumEnvs || result.ObservationSize != _obs)
            throw new ArgumentException($"the step result holds {result.NumEnvs}×{result.ObservationSize}, this vector env has {NumEnvs}×{_obs}.");
        _pool.ThrowIfFailed();
        // Every group's actions are checked before any is sent, so bad input leaves no step half done.
        for (int g = 0; g < _groups.Length; g++)
            if (!_down[g]) _groups[g].PrepareStep(actions.Slice(_offsets[g] * _act, _groups[g].NumEnvs * _act));
        // Every live group's request goes out before any reply is read, so the servers step at the same time.
        for (int g = 0; g < _groups.Length; g++)
        {
            if (_down[g])
            {
                // Reopen in the background once its slot has a server again; never block the live groups on it.
                if (_reopening[g] is null && _groups[g].ServerReady) _reopening[g] = _groups[g].ResetAsync(Array.Empty<long>(), CancellationToken.None);
                continue;
            }
            _groups[g].SendPrepared(_results[g]);
        }
        var stepped = _stepped;
        var lostGroup = _lostGroup;
        Array.Clear(stepped);
        Array.Clear(lostGroup);
        Exception? other = null;
        for (int g = 0; g < _groups.Length; g++)
        {
            if (_down[g]) continue;
            // Every reply is collected (or its loss handled) before an unexpected error propagates.
            try
            {
                _groups[g].CompleteStep();
                stepped[g] = true;
            }
            catch (EnvWorkerLostException) { lostGroup[g] = true; }
            catch (Exception e) { other ??= e; }
        }
        if (other is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(other);

        result.Clear();
        for (int g = 0; g < _groups.Length; g++)
        {
            int offset = _offsets[g], n = _groups[g].NumEnvs;
            var rows = _lastObservations.AsSpan(offset * _obs, n * _obs);
            if (stepped[g])
            {
                Merge(_results[g], offset, result);
                _results[g].Observations.CopyTo(rows);
                continue;
            }
            if (lostGroup[g])
            {
                _down[g] = true;
                foreach (var lost in _groups[g].LostEpisodes) result.Episodes.Add(lost with { EnvIndex = lost.EnvIndex + offset });
                MarkDropped(offset, n, result, rows);
                continue;
            }
            if (_reopening[g] is { IsCompleted: true } reopen)
            {
                _reopening[g] = null;
                if (reopen.IsCompletedSuccessfully)
                {
                    ((Task<float[]>)reopen).Result.CopyTo(rows);
                    _down[g] = false;
                }
                else if (reopen.Exception!.InnerException is EnvFleetFailedException fleet) throw fleet;
            }
            MarkDropped(offset, n, result, rows);
        }
    }

    private void MarkDropped(int offset, int n, VectorStepResult result, ReadOnlySpan<float> rows)
    {
        for (int i = offset; i < offset + n; i++)
        {
            result.Dropped[i] = true;
            result.Truncated[i] = true;
            result.Reasons[i] = EndReason.ServerLost;
            result.Rewards[i] = 0;
            result.ScoreRewards[i] = 0;
        }
        rows.CopyTo(result.Observations.AsSpan(offset * _obs, n * _obs));
        rows.CopyTo(result.FinalObservations.AsSpan(offset * _obs, n * _obs));
    }

    private void Merge(VectorStepResult from, int offset, VectorStepResult into)
    {
        int n = from.NumEnvs;
        from.Observations.CopyTo(into.Observations, offset * _obs);
        from.FinalObservations.CopyTo(into.FinalObservations, offset * _obs);
        from.Rewards.CopyTo(into.Rewards, offset);
        from.ScoreRewards.CopyTo(into.ScoreRewards, offset);
        from.Terminated.CopyTo(into.Terminated, offset);
        from.Truncated.CopyTo(into.Truncated, offset);
        from.Reasons.CopyTo(into.Reasons, offset);
        from.Dropped.CopyTo(into.Dropped, offset);
        foreach (var e in from.Episodes) into.Episodes.Add(e with { EnvIndex = e.EnvIndex + offset });
        into.ClippedActions += from.ClippedActions;
    }

    /// <summary>The groups belong to the pool; disposing the pool closes them.</summary>
    public void Dispose() { }
}
