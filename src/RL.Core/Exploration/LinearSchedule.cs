using RL.Core.Config;

namespace RL.Core.Exploration;

/// <summary>
/// A value that moves linearly from <see cref="Start"/> to <see cref="End"/> over <see cref="Steps"/> steps and
/// then stays at <see cref="End"/>: OU σ annealing (Reason8: 0.2 → 0.05 over 10^6 samples) and learning-rate
/// decay (1e-3 → 5e-5 over 10^7 decisions) in recipes §3.3.
/// </summary>
public sealed record LinearSchedule
{
    [ConfigRange(0, double.MaxValue)]
    public double Start { get; init; }

    [ConfigRange(0, double.MaxValue)]
    public double End { get; init; }

    /// <summary>Steps over which the value moves; 0 holds <see cref="Start"/> forever.</summary>
    [ConfigRange(0, 1e15)]
    public long Steps { get; init; }

    public static LinearSchedule Constant(double value) => new() { Start = value, End = value, Steps = 0 };

    public double At(long step)
    {
        if (Steps <= 0) return Start;
        double fraction = Math.Min(1.0, Math.Max(0.0, (double)step / Steps));
        return Start + (End - Start) * fraction;
    }
}
