using RL.Envs;
using RL.Envs.Classic;
using RL.Envs.Random;
using RL.Envs.Spaces;

namespace RL.Testing;

/// <summary>
/// Two independent pendulums side by side, a left and a right one: a deterministic, symmetric test env with
/// named observations and published mirror maps (left ↔ right), so reflection augmentation and everything
/// that reads observations by name can be exercised without Learning to Run. An episode terminates when the
/// left pendulum's speed reaches its cap (both exist: terminations and time-limit truncations).
/// </summary>
public sealed class TwinPendulum : IEnv
{
    private readonly Pendulum _left = new(), _right = new();
    private int _steps = -1;

    public EnvSpec Spec { get; } = new()
    {
        Id = "TwinPendulum",
        ObservationSpace = new Box(new[] { -1f, -1f, -8f, -1f, -1f, -8f }, new[] { 1f, 1f, 8f, 1f, 1f, 8f }),
        ActionSpace = new Box(new[] { -2f, -2f }, new[] { 2f, 2f }),
        ObservationNames = new[] { "cos_l", "sin_l", "speed_l", "cos_r", "sin_r", "speed_r" },
        ActionNames = new[] { "torque_l", "torque_r" },
        ObservationMirror = MirrorMap.FromSwaps(6, new[] { (0, 3), (1, 4), (2, 5) }),
        ActionMirror = MirrorMap.FromSwaps(2, new[] { (0, 1) }),
        MaxEpisodeSteps = 100,
        Simulator = "analytic",
    };

    public void Reset(long? seed, Span<float> observation)
    {
        _left.Reset(seed, observation[..3]);
        _right.Reset(seed is long s ? SeedSequence.DeriveEnvSeed((ulong)s, "right", 0) : null, observation[3..]);
        _steps = 0;
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_steps < 0) throw new InvalidOperationException("TwinPendulum: step before reset or after the end.");
        var l = _left.Step(action[..1], observation[..3]);
        var r = _right.Step(action[1..], observation[3..]);
        _steps++;
        double reward = l.Reward + r.Reward;
        bool terminated = Math.Abs(observation[2]) >= 8f;
        bool truncated = !terminated && _steps >= Spec.MaxEpisodeSteps;
        if (terminated || truncated)
        {
            _steps = -1;
            // The inner pendulums have a 200-step limit of their own; restart them at the next Reset.
        }
        return new StepOutcome(reward, reward, terminated, truncated,
            terminated ? EndReason.Terminated : truncated ? EndReason.TimeLimit : EndReason.None, l.ClippedActions + r.ClippedActions);
    }

    public void Dispose() { }
}
