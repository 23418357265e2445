using System.Globalization;
using RL.Algorithms.Training;

namespace RL.Cli.Reporting;

/// <summary>
/// The facts of a <see cref="ProgressSnapshot"/> in words, shared by the terminal display and the log lines so both say
/// the same things (issue 11: budget and ETA, decisions/s and simulator steps/s, updates/s, last evaluation, fall rate,
/// episodes, restarts and dropped episodes; no jargon such as "idle" or "steps" meaning decisions).
/// </summary>
public static class ProgressText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Budget(ProgressSnapshot s) => string.Create(Invariant,
        $"{s.Budget.Fraction:P0} of {s.Budget.Budget} · elapsed {Clock(s.WallSeconds)} · ETA {Clock(s.Budget.EtaSeconds)}");

    public static string Speed(ProgressSnapshot s) => string.Create(Invariant,
        $"{s.Decisions:N0} decisions ({Rate(s.DecisionsPerSecond)}/s = {Rate(s.SimulatorStepsPerSecond)} simulator steps/s) · {s.Updates:N0} updates ({Rate(s.UpdatesPerSecond)}/s) · " +
        $"learner waiting for data {s.LearnerIdleFraction:P0} of the time");

    public static string Learning(ProgressSnapshot s)
    {
        string evaluation = s.Evaluations == 0 ? "no evaluation yet" : string.Create(Invariant,
            $"last evaluation {Value(s.LastEvaluation, s.ScoreUnit)} at {s.LastEvaluationDecisions:N0} decisions ({s.Evaluations} so far)");
        return string.Create(Invariant,
            $"{s.Episodes:N0} episodes · last {s.RecentEpisodes}: mean score {Value(s.RecentMeanScore, s.ScoreUnit)}, falls {Share(s.RecentFallRate)} · {evaluation}");
    }

    public static string Health(ProgressSnapshot s) => string.Create(Invariant,
        $"env server restarts {s.Restarts} · dropped episodes {s.EpisodesDropped}");

    /// <summary>One log line with every fact (stdout not a terminal).</summary>
    public static string Line(ProgressSnapshot s) =>
        $"{s.Run}: {Budget(s)} | {Speed(s)} | {Learning(s)} | {Health(s)}";

    public static string Clock(double seconds) =>
        double.IsNaN(seconds) || seconds < 0 ? "-" : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 86400 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", Invariant);

    // Below 10/s one decimal: a PPO or TRPO run makes one update per rollout, a few seconds apart, which "0/s" hid.
    private static string Rate(double perSecond) => double.IsNaN(perSecond) ? "-" : perSecond.ToString(Math.Abs(perSecond) < 10 ? "N1" : "N0", Invariant);

    private static string Value(double v, string unit) => double.IsNaN(v) ? "-" : v.ToString("F2", Invariant) + unit;

    private static string Share(double fraction) => double.IsNaN(fraction) ? "-" : fraction.ToString("P0", Invariant);
}
