namespace RL.Analysis;

/// <summary>What one analysis found: the runs, the options it ran with, one result per metric, and the CSV lines it had to skip.</summary>
public sealed record AnalysisResult(RunSet Runs, AnalysisOptions Options, string ExperimentName, IReadOnlyList<MetricResult> Metrics,
    IReadOnlyList<string> SkippedLines);
