namespace RL.Algorithms.Training;

/// <summary>
/// How far a run is through its budget and when it should end. A run stops at the first of max_env_steps, max_updates and
/// max_hours it reaches, so the fraction done is the largest of the three and the ETA the smallest.
/// </summary>
public readonly record struct BudgetProgress(double Fraction, double EtaSeconds, string Budget)
{
    // The rates are averages since this process started: a 5-second window makes the ETA jump.
    public static BudgetProgress Of(long decisions, long maxDecisions, long updates, long maxUpdates, double wallSeconds, double maxSeconds,
        double decisionsPerSecond, double updatesPerSecond)
    {
        double fraction = 0, eta = double.PositiveInfinity;
        var parts = new List<string>(3);
        if (maxDecisions > 0)
        {
            fraction = Math.Max(fraction, decisions / (double)maxDecisions);
            if (decisionsPerSecond > 0) eta = Math.Min(eta, Math.Max(0, maxDecisions - decisions) / decisionsPerSecond);
            parts.Add($"{Count(maxDecisions)} decisions");
        }
        if (maxUpdates > 0)
        {
            fraction = Math.Max(fraction, updates / (double)maxUpdates);
            if (updatesPerSecond > 0) eta = Math.Min(eta, Math.Max(0, maxUpdates - updates) / updatesPerSecond);
            parts.Add($"{Count(maxUpdates)} updates");
        }
        if (maxSeconds > 0)
        {
            fraction = Math.Max(fraction, wallSeconds / maxSeconds);
            eta = Math.Min(eta, Math.Max(0, maxSeconds - wallSeconds));
            parts.Add(FormattableString.Invariant($"{maxSeconds / 3600:0.##} h"));
        }
        return new BudgetProgress(Math.Min(1, fraction), double.IsPositiveInfinity(eta) ? double.NaN : eta, string.Join(" or ", parts));
    }

    /// <summary>1,200,000 as "1.2 M", 250,000 as "250 k": budgets are read at a glance.</summary>
    public static string Count(double n) => n switch
    {
        >= 1e9 => FormattableString.Invariant($"{n / 1e9:0.##} G"),
        >= 1e6 => FormattableString.Invariant($"{n / 1e6:0.##} M"),
        >= 1e4 => FormattableString.Invariant($"{n / 1e3:0.#} k"),
        _ => FormattableString.Invariant($"{n:0}"),
    };
}
