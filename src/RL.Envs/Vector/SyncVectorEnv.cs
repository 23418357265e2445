namespace RL.Envs.Vector;

/// <summary>
/// N in-process envs behind <see cref="IVectorEnv"/>, with SAME_STEP autoreset and episode bookkeeping.
/// With <c>parallel</c> the envs step on the thread pool (each env is touched by one thread at a time);
/// results do not depend on the schedule, because every env owns its state and random stream.
/// A non-finite observation or reward ends that episode with <see cref="EndReason.NonFiniteObservation"/>
/// and drops the transition (reliability.md R7).
/// </summary>
public sealed class SyncVectorEnv : IVectorEnv
{
    private readonly IEnv[] _envs;
    private readonly EpisodeTracker[] _trackers;
    private readonly bool _parallel;
    private readonly int _obs;
    private readonly int _act;
    private readonly int[] _clipped;
    private bool _started;

    public SyncVectorEnv(IReadOnlyList<IEnv> envs, bool parallel = false)
    {
        if (envs.Count == 0) throw new ArgumentException("SyncVectorEnv needs at least one env.");
        _envs = envs.ToArray();
        Spec = _envs[0].Spec;
        for (int i = 1; i < _envs.Length; i++)
            if (_envs[i].Spec.ObservationSize != Spec.ObservationSize || _envs[i].Spec.ActionSize != Spec.ActionSize)
                throw new ArgumentException($"env {i} ({_envs[i].Spec.Id}) does not have the sizes of env 0 ({Spec.Id}).");
        _obs = Spec.ObservationSize;
        _act = Spec.ActionSize;
        _trackers = Enumerable.Range(0, _envs.Length).Select(i => new EpisodeTracker(i, Spec.RewardTermNames.Length)).ToArray();
        _clipped = new int[_envs.Length];
        _parallel = parallel;
    }

    public EnvSpec Spec { get; }
    public int NumEnvs => _envs.Length;
    public IReadOnlyList<IEnv> Envs => _envs;

    /// <summary>The running episode sums of each env (read and restored by trainers that checkpoint mid-episode).</summary>
    public IReadOnlyList<EpisodeTracker> Trackers => _trackers;

    public void Reset(ReadOnlySpan<long> seeds, Span<float> observations)
    {
        if (seeds.Length != 0 && seeds.Length != NumEnvs)
            throw new ArgumentException($"Reset got {seeds.Length} seeds for {NumEnvs} envs (give none or one per env).");
        if (observations.Length != NumEnvs * _obs)
            throw new ArgumentException($"Reset needs an observation buffer of {NumEnvs}×{_obs} = {NumEnvs * _obs}, got {observations.Length}.");
        for (int i = 0; i < NumEnvs; i++)
        {
            long? seed = seeds.Length == 0 ? null : seeds[i];
            _envs[i].Reset(seed, observations.Slice(i * _obs, _obs));
            _trackers[i].Start(SeedOf(_envs[i]) ?? seed);
        }
        _started = true;
    }

    public void Step(ReadOnlySpan<float> actions, VectorStepResult result)
    {
        if (!_started) throw new InvalidOperationException("Step called before Reset.");
        if (actions.Length != NumEnvs * _act)
            throw new ArgumentException($"Step got {actions.Length} action values for {NumEnvs} envs × {_act} = {NumEnvs * _act}.");
        result.Clear();
        if (_parallel && NumEnvs > 1)
        {
            float[] copy = actions.ToArray();
            Parallel.For(0, NumEnvs, i => StepOne(i, copy.AsSpan(i * _act, _act), result));
        }
        else
        {
            for (int i = 0; i < NumEnvs; i++) StepOne(i, actions.Slice(i * _act, _act), result);
        }
        int clipped = 0;
        for (int i = 0; i < NumEnvs; i++)
        {
            clipped += _clipped[i];
            if (result.Done(i) || result.Dropped[i]) result.Episodes.Add(_trackers[i].Finish(result.Reasons[i]));
        }
        result.ClippedActions = clipped;
        // Start the new episodes' trackers after the summaries were taken; an env that knows the seed of the episode
        // its autoreset began passes it on, so every episode's summary has its seed (issue 11).
        for (int i = 0; i < NumEnvs; i++)
            if (result.Done(i) || result.Dropped[i]) _trackers[i].Start(SeedOf(_envs[i]));
    }

    /// <summary>The seed env <paramref name="env"/>'s current episode was reset with, when known.</summary>
    public long? EpisodeSeed(int env) => _trackers[env].Seed;

    private static long? SeedOf(IEnv env) => (env as IEpisodeSeed)?.EpisodeSeed;

    private void StepOne(int i, ReadOnlySpan<float> action, VectorStepResult result)
    {
        var env = _envs[i];
        var next = result.Observation(i);
        StepOutcome outcome = env.Step(action, next);
        _clipped[i] = outcome.ClippedActions;
        bool finite = double.IsFinite(outcome.Reward) && double.IsFinite(outcome.ScoreReward) && AllFinite(next);
        if (!finite)
        {
            result.Dropped[i] = true;
            result.Truncated[i] = true;
            result.Reasons[i] = EndReason.NonFiniteObservation;
            result.Rewards[i] = 0;
            result.ScoreRewards[i] = 0;
            next.CopyTo(result.FinalObservation(i));
            env.Reset(null, next);
            return;
        }
        result.Rewards[i] = (float)outcome.Reward;
        result.ScoreRewards[i] = outcome.ScoreReward;
        _trackers[i].Add(outcome.Reward, outcome.ScoreReward, env.RewardTerms);
        if (outcome.Done)
        {
            result.Terminated[i] = outcome.Terminated;
            result.Truncated[i] = outcome.Truncated;
            result.Reasons[i] = outcome.Reason;
            next.CopyTo(result.FinalObservation(i));
            env.Reset(null, next);
        }
    }

    private static bool AllFinite(ReadOnlySpan<float> x)
    {
        foreach (float v in x)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    public void Dispose()
    {
        foreach (var env in _envs) env.Dispose();
    }
}
