using RL.Core.Config;

namespace RL.Core.Exploration;

/// <summary>
/// A value that moves linearly from <see cref="Start"/> to <see cref="End"/> over <see cref="Steps"/> steps and
/// then stays at <see cref="End"/>: OU σ annealing (Reason8: 0.2 → 0.05 over 10^6 samples) and learning-rate
/// decay (1e-3 → 5e-5 over 10^7 decisions) in recipes §3.3.
/// </summary>
public sealed record LinearSchedule
{
    [ConfigDoc("Value at env step 0.", Unit = ConfigDocAttribute.Inherit, Source = ConfigDocAttribute.Inherit)]
    [ConfigRange(0, double.MaxValue)]
    public double Start { get; init; }

    [ConfigDoc("Value from env step `steps` on.", Unit = ConfigDocAttribute.Inherit, Source = ConfigDocAttribute.Inherit)]
    [ConfigRange(0, double.MaxValue)]
    public double End { get; init; }

    [ConfigDoc("Env steps (summed over all training envs) over which the value moves from start to end; 0 holds start forever.",
        Unit = "decisions", Source = ConfigDocAttribute.Inherit)]
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
