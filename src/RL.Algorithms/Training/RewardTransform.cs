namespace RL.Algorithms.Training;

/// <summary>
/// The trainer-side transform of the stored reward: R = scale · (r + fall_penalty · [terminated]). The penalty
/// applies only to a true termination (a fall), never to a time-limit truncation, which bootstraps instead
/// (Run-Skeleton-Run's −0.2 "if done before 1000 frames", recipes §5.2). The env's own reward — shaped or
/// not — and the unshaped 2017 score are logged separately and never scaled.
/// </summary>
public sealed class RewardTransform
{
    public RewardTransform(double scale, double fallPenalty)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "reward scale must be positive.");
        Scale = scale;
        FallPenalty = fallPenalty;
    }

    public double Scale { get; }
    public double FallPenalty { get; }

    public float Apply(float reward, bool terminated) => (float)(Scale * (reward + (terminated ? FallPenalty : 0)));
}
