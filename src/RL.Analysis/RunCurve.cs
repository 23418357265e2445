namespace RL.Analysis;

/// <summary>
/// One run's curve of a metric: points in ascending x, and the run's final value for the summary table with the
/// x at which it was reached (runs stopped early or still training end at a smaller x).
/// </summary>
public sealed record RunCurve(RunRecord Run, double[] X, double[] Y, double Final, double FinalX);
