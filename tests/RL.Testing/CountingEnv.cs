using RL.Envs;
using RL.Envs.Spaces;

namespace RL.Testing;

/// <summary>
/// A deterministic env whose behaviour is scripted: the observation is [episode, step, seed-derived value],
/// the reward of step t is <see cref="RewardOf"/>(t), and the episode terminates at <see cref="TerminateAt"/>
/// or is truncated at <see cref="MaxSteps"/>. Counts every call, so wrapper tests can assert exact inner steps.
/// </summary>
public sealed class CountingEnv : IEnv
{
    private int _step = -1;
    private int _episode = -1;
    private long _stream;
    private readonly double[] _terms = new double[2];

    public CountingEnv(int maxSteps = 10, int? terminateAt = null, int actionSize = 2)
    {
        MaxSteps = maxSteps;
        TerminateAt = terminateAt;
        Spec = new EnvSpec
        {
            Id = "Counting",
            ObservationSpace = Box.Unbounded(3),
            ActionSpace = Box.Uniform(actionSize, 0, 1),
            ObservationNames = new[] { "episode", "step", "seed_value" },
            ActionNames = Enumerable.Range(0, actionSize).Select(i => $"a{i}").ToArray(),
            MaxEpisodeSteps = maxSteps,
            RewardTermNames = new[] { "step_term", "constant_term" },
        };
    }

    public EnvSpec Spec { get; }
    public int MaxSteps { get; }
    public int? TerminateAt { get; set; }
    public Func<int, double> RewardOf { get; set; } = t => t + 1;
    public Func<int, float>? ObservationOverride { get; set; }
    public int StepCalls { get; private set; }
    public int ResetCalls { get; private set; }
    public float[]? LastAction { get; private set; }
    public ReadOnlySpan<double> RewardTerms => _terms;

    public void Reset(long? seed, Span<float> observation)
    {
        ResetCalls++;
        if (seed is long s)
        {
            // Seeding restarts the env's whole sequence, so a seed reproduces everything after it.
            _stream = s;
            _episode = -1;
        }
        else _stream++;
        _episode++;
        _step = 0;
        Write(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_step < 0) throw new InvalidOperationException("CountingEnv: step after the episode ended (or before reset).");
        int clipped = ActionGuard.ValidateAndClip(action, Spec.ActionSpace, new float[action.Length], Spec.Id);
        StepCalls++;
        LastAction = action.ToArray();
        double reward = RewardOf(_step);
        _terms[0] = _step;
        _terms[1] = 1;
        _step++;
        Write(observation);
        bool terminated = TerminateAt is int t && _step >= t;
        bool truncated = !terminated && _step >= MaxSteps;
        if (terminated || truncated) _step = -1;
        return new StepOutcome(reward, reward, terminated, truncated,
            terminated ? EndReason.Terminated : truncated ? EndReason.TimeLimit : EndReason.None, clipped);
    }

    private void Write(Span<float> observation)
    {
        observation[0] = _episode;
        observation[1] = _step < 0 ? MaxSteps : _step;
        observation[2] = ObservationOverride?.Invoke(_step) ?? _stream;
    }

    public void Dispose() { }
}
