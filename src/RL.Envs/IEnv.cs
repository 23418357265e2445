namespace RL.Envs;

/// <summary>The result of one env step, without the observation (written into the caller's buffer).</summary>
/// <param name="Reward">The training reward (after any shaping the env applies).</param>
/// <param name="ScoreReward">The task's own unshaped reward (Learning to Run: the 2017 reward, Δ pelvis x − ligament penalty).</param>
/// <param name="Terminated">A terminal state of the MDP was reached: no bootstrap.</param>
/// <param name="Truncated">The episode was cut outside the MDP (time limit, simulator error): bootstrap.</param>
/// <param name="Reason">Why the episode ended, or <see cref="EndReason.None"/>.</param>
/// <param name="ClippedActions">How many action elements were outside the action space and were clipped.</param>
public readonly record struct StepOutcome(double Reward, double ScoreReward, bool Terminated, bool Truncated, EndReason Reason, int ClippedActions = 0)
{
    public bool Done => Terminated || Truncated;
}

/// <summary>
/// A single environment, Gymnasium's contract with buffers instead of allocations:
/// <see cref="Reset"/> starts an episode and writes its first observation; <see cref="Step"/> applies an action
/// and writes the next observation. <c>terminated</c> and <c>truncated</c> are never merged. Stepping after an
/// episode ended, or before the first reset, is an error (<see cref="InvalidOperationException"/>). An action of
/// the wrong length or containing NaN is an <see cref="ArgumentException"/> naming the element.
/// </summary>
public interface IEnv : IDisposable
{
    EnvSpec Spec { get; }

    /// <summary>
    /// Starts a new episode. A <paramref name="seed"/> re-seeds the env's random stream first; null continues it
    /// (so a sequence of resets after one seed is reproducible).
    /// </summary>
    void Reset(long? seed, Span<float> observation);

    StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>The reward terms of the last step, in the order of <see cref="EnvSpec.RewardTermNames"/>.</summary>
    ReadOnlySpan<double> RewardTerms => ReadOnlySpan<double>.Empty;
}
