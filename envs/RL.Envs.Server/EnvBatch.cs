using System.Diagnostics;
using Google.Protobuf.Collections;
using RL.Envs.Remote.Protocol;
using RL.Envs.Vector;

namespace RL.Envs.Server;

/// <summary>
/// N instances of one env, stepped together by one client (RL.Envs.Vector.SyncVectorEnv, so autoreset, episode
/// bookkeeping and the non-finite guard are the in-process ones). Every request is validated in full before any env
/// is touched, so a rejected request leaves the batch as it was. One call at a time: a second concurrent call gets
/// FAILED_PRECONDITION instead of racing the first.
/// </summary>
internal sealed class EnvBatch : IDisposable
{
    private readonly SyncVectorEnv _vec;
    private readonly VectorStepResult _result;
    private readonly float[] _actions;
    private readonly int _obs, _act;
    private int _busy;
    private long _lastUsed = Stopwatch.GetTimestamp();

    public EnvBatch(ulong id, IReadOnlyList<IEnv> envs, bool parallel, IReadOnlyDictionary<string, string> effectiveOptions, string client)
    {
        Id = id;
        _vec = new SyncVectorEnv(envs, parallel);
        Spec = _vec.Spec;
        _obs = Spec.ObservationSize;
        _act = Spec.ActionSize;
        _result = new VectorStepResult(envs.Count, _obs);
        _actions = new float[envs.Count * _act];
        EffectiveOptions = effectiveOptions;
        Client = client;
    }

    public ulong Id { get; }
    public EnvSpec Spec { get; }
    public int NumEnvs => _vec.NumEnvs;
    public IReadOnlyDictionary<string, string> EffectiveOptions { get; }
    public string Client { get; }

    /// <summary>Set when an env threw: its state is unknown, the batch only accepts Close.</summary>
    public string? BrokenReason { get; private set; }

    public TimeSpan Idle => Stopwatch.GetElapsedTime(_lastUsed);
    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    /// <summary>Worst-case size of one step reply (every env ending in the same step), to keep it under the server's limit.</summary>
    public static long WorstCaseReplyBytes(int numEnvs, int observationSize, int rewardTerms) =>
        64 + (long)numEnvs * (observationSize * 4L + 4 + 8 + 2 + (observationSize * 4L + 8 * 2 + 8 * rewardTerms + 40));

    /// <summary>Takes the batch for one call, or fails with FAILED_PRECONDITION naming what is wrong.</summary>
    public Lease Enter(string call)
    {
        if (BrokenReason is not null)
            throw Statuses.FailedPrecondition($"{call}: batch {Id} is broken ({BrokenReason}); close it and open a new one.");
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            throw Statuses.FailedPrecondition($"{call}: batch {Id} is in use by another call (one call at a time per batch).");
        _lastUsed = Stopwatch.GetTimestamp();
        return new Lease(this);
    }

    public readonly struct Lease(EnvBatch batch) : IDisposable
    {
        public void Dispose()
        {
            batch._lastUsed = Stopwatch.GetTimestamp();
            Volatile.Write(ref batch._busy, 0);
        }
    }

    /// <summary>Resets every env (seeds: none or one per env) and writes the observations.</summary>
    public void Reset(RepeatedField<long> seeds, RepeatedField<float> observations, string field)
    {
        if (seeds.Count != 0 && seeds.Count != NumEnvs)
            throw Statuses.InvalidArgument($"{field} has {seeds.Count} seeds for {NumEnvs} envs: give none or one per env.");
        var obs = new float[NumEnvs * _obs];
        long[] s = seeds.Count == 0 ? Array.Empty<long>() : seeds.ToArray();
        try { _vec.Reset(s, obs); }
        catch (Exception e) { throw Broken("Reset", e); }
        observations.SetFrom(obs);
    }

    /// <summary>Validates the actions, steps every env (SAME_STEP autoreset) and fills <paramref name="reply"/>.</summary>
    public void Step(StepRequest request, StepReply reply)
    {
        var actions = request.Actions;
        if (actions.Count != _actions.Length)
            throw Statuses.InvalidArgument($"StepRequest.actions has {actions.Count} values, expected {NumEnvs} envs × {_act} = {_actions.Length} (batch {Id}, env '{Spec.Id}').");
        actions.CopyTo(_actions, 0);
        for (int i = 0; i < _actions.Length; i++)
            if (!float.IsFinite(_actions[i]))
                throw Statuses.InvalidArgument($"StepRequest.actions[{i}] is {_actions[i]} (env {i / _act}, action '{Spec.ActionNames[i % _act]}'): actions must be finite numbers.");

        long start = Stopwatch.GetTimestamp();
        try { _vec.Step(_actions, _result); }
        catch (Exception e) { throw Broken("Step", e); }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        reply.Seq = request.Seq;
        reply.Observations.SetFrom(_result.Observations);
        reply.Rewards.SetFrom(_result.Rewards);
        reply.ScoreRewards.SetFrom(_result.ScoreRewards);
        reply.Terminated.SetFrom(_result.Terminated);
        reply.Truncated.SetFrom(_result.Truncated);
        reply.ClippedActions = (uint)_result.ClippedActions;
        reply.StepSeconds = seconds;
        reply.Endings.Clear();
        foreach (var episode in _result.Episodes)
        {
            int i = episode.EnvIndex;
            var ending = new Ending
            {
                EnvIndex = (uint)i,
                Reason = _result.Reasons[i].ToProto(),
                Dropped = _result.Dropped[i],
                Score = episode.Score,
                EpisodeReturn = episode.Return,
                Length = (uint)episode.Length,
            };
            if (episode.Seed is long seed) ending.Seed = seed;
            ending.RewardTerms.AddRange(episode.Terms);
            var final = _result.FinalObservation(i);
            for (int k = 0; k < final.Length; k++) ending.FinalObservation.Add(final[k]);
            reply.Endings.Add(ending);
        }
    }

    // Requests are validated before the envs run, so an exception from an env is the env's own failure and its
    // state is unknown from then on.
    private Grpc.Core.RpcException Broken(string call, Exception e)
    {
        BrokenReason = $"env '{Spec.Id}' failed in {call}: {e.GetType().Name}: {e.Message}";
        return Statuses.Internal($"{BrokenReason}. The batch is broken; close it and open a new one.");
    }

    public void Dispose() => _vec.Dispose();
}
