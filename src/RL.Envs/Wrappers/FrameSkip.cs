namespace RL.Envs.Wrappers;

/// <summary>
/// Repeats each action for k env steps (action repeat; l2r-training-recipes.md §5.1): rewards, score rewards
/// and reward terms are summed over the repeats, and the repeat stops early when the episode ends. The inner
/// env's time limit still counts inner steps (Learning to Run: 1000 simulator frames, 1000/k decisions).
/// Semantics follow Gymnasium's RepeatAction (tests/wrappers/test_action_repeat.py).
/// </summary>
public sealed class FrameSkip : IEnv
{
    private readonly IEnv _inner;
    private readonly double[] _terms;

    public FrameSkip(IEnv inner, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "frame_skip must be at least 1.");
        _inner = inner;
        K = k;
        _terms = new double[inner.Spec.RewardTermNames.Length];
        var options = new Dictionary<string, string>(inner.Spec.Options) { ["frame_skip"] = k.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Spec = inner.Spec with
        {
            MaxEpisodeSteps = inner.Spec.MaxEpisodeSteps == 0 ? 0 : (inner.Spec.MaxEpisodeSteps + k - 1) / k,
            Options = options,
        };
    }

    public int K { get; }
    public EnvSpec Spec { get; }
    public IEnv Inner => _inner;

    public void Reset(long? seed, Span<float> observation)
    {
        Array.Clear(_terms);
        _inner.Reset(seed, observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        Array.Clear(_terms);
        double reward = 0, score = 0;
        int clipped = 0;
        StepOutcome last = default;
        for (int i = 0; i < K; i++)
        {
            last = _inner.Step(action, observation);
            reward += last.Reward;
            score += last.ScoreReward;
            clipped += last.ClippedActions;
            var terms = _inner.RewardTerms;
            for (int t = 0; t < Math.Min(terms.Length, _terms.Length); t++) _terms[t] += terms[t];
            if (last.Done) break;
        }
        return last with { Reward = reward, ScoreReward = score, ClippedActions = clipped };
    }

    public ReadOnlySpan<double> RewardTerms => _terms;

    public void Dispose() => _inner.Dispose();
}
