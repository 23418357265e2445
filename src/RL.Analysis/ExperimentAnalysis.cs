using System.Globalization;

namespace RL.Analysis;

/// <summary>
/// The analysis behind `rl plot` and `rl report`: every requested metric of every run read, put on each variant's
/// common grid and aggregated over seeds, and each run's final value summarised per variant. A run that cannot give
/// a metric is left out of that metric with the reason; the analysis goes on with the rest.
/// </summary>
public static class ExperimentAnalysis
{
    public static AnalysisResult Run(RunSet set, AnalysisOptions options)
    {
        if (!set.Runs.Any()) throw NothingToPlot(set, []);
        var reader = new CurveReader(options.Window);
        var columns = set.Runs.SelectMany(reader.ProgressColumns).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var m in options.Metrics.Where(m => m.Kind == MetricKind.Progress && !columns.Contains(m.Name)))
            throw new AnalysisInputException(
                $"--metric '{m.Name}': no such metric; use score, eval or a {RunRecord.ProgressFile} column: {string.Join(", ", columns)}.");
        string name = set.Experiment?.Name ?? Path.GetFileName(set.Root);
        var results = options.Metrics.Select(m => Metric(set, m, options, reader, name)).ToArray();
        if (results.All(r => r.Curves.Count == 0)) throw NothingToPlot(set, results.SelectMany(r => r.Skipped.Select(s => $"{r.Metric.Name}: {s}")));
        return new AnalysisResult(set, options, name, results, reader.SkippedLines);
    }

    /// <summary>The first losses/ column the runs' trainer logs (DDPG: critic loss, PPO: policy loss), or null: the "main loss" a report shows.</summary>
    public static Metric? MainLoss(RunSet set)
    {
        var reader = new CurveReader(1);
        string? column = set.Runs.SelectMany(reader.ProgressColumns).FirstOrDefault(c => c.StartsWith("losses/", StringComparison.Ordinal));
        return column is null ? null : new Metric(column, MetricKind.Progress);
    }

    private static MetricResult Metric(RunSet set, Metric metric, AnalysisOptions options, CurveReader reader, string experiment)
    {
        var skipped = new List<string>();
        var notes = new List<string>();
        var curves = new List<VariantCurve>();
        var finals = new List<VariantFinal>();
        string x = options.X.Name();
        foreach (var variant in set.Variants)
        {
            var runs = new List<RunCurve>();
            foreach (var run in variant.Runs)
            {
                if (reader.Read(run, metric, options.X, out string? why) is { } curve) runs.Add(curve);
                else skipped.Add($"{run.RelativePath}: {why}");
            }
            if (runs.Count == 0) continue;
            var grid = CurveGrid.Span(runs, options.Points, options.Longest);
            if (grid is null)
            {
                notes.Add($"{variant.Name}: its runs' {x} ranges do not overlap; no curve (final values still summarised)");
            }
            else
            {
                curves.Add(VariantCurve.Aggregate(variant.Name, runs, grid, options));
                double first = runs.Min(r => r.FinalX), last = runs.Max(r => r.FinalX);
                string from = Formats.X(first, options.X), to = Formats.X(last, options.X);
                if (first != last)
                    notes.Add(options.Longest
                        ? $"{variant.Name}: runs stopped at different {x} ({from} to {to}); the curve goes on to {to} with fewer runs after {from}"
                        : $"{variant.Name}: runs stopped at different {x} ({from} to {to}); the curve ends at {from}, where every run has data (--span longest goes on)");
            }
            finals.Add(VariantFinal.Of(variant.Name, runs, options));
        }
        var withMetric = finals.SelectMany(f => f.Runs.Select(r => r.Run)).ToArray();
        var (yUnit, xUnit) = CurveReader.Units(withMetric, metric, options.X);
        string title = $"{experiment}: {metric.Description(options.Window)}";
        return new MetricResult(metric, title, AxisLabels.X(options.X, xUnit), AxisLabels.Y(metric, yUnit, withMetric), AxisLabels.Unit(yUnit, withMetric), curves, finals, skipped, notes);
    }

    private static AnalysisInputException NothingToPlot(RunSet set, IEnumerable<string> why)
    {
        var all = set.Skipped.Concat(why).ToArray();
        string list = all.Length == 0 ? "no run directory (config.yaml with progress.csv, episodes.csv or evaluations.csv) under it" : string.Join("; ", all);
        return new AnalysisInputException(string.Create(CultureInfo.InvariantCulture, $"{set.Root}: nothing to plot: {list}."));
    }
}
