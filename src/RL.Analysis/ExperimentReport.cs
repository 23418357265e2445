using System.Globalization;
using System.Text;

namespace RL.Analysis;

/// <summary>
/// The Markdown of `rl report`: one file to paste into a paper's appendix, saying what was run (experiment,
/// budget, seeds, algorithm, code version), the learning curves, the final-performance and
/// probability-of-improvement tables, what each variant changes, every run, what was left out, and the commands
/// that reproduce it.
/// </summary>
public static class ExperimentReport
{
    /// <param name="analysis">The analysis the report shows.</param>
    /// <param name="figures">Each metric's figure as a link relative to the report, by metric name.</param>
    /// <param name="commands">The commands that produced the runs and this report, in order.</param>
    /// <param name="writtenUtc">When the report was written (its only line that changes when nothing else did).</param>
    public static string Markdown(AnalysisResult analysis, IReadOnlyDictionary<string, string> figures, IReadOnlyList<string> commands, DateTime writtenUtc)
    {
        var set = analysis.Runs;
        var options = analysis.Options;
        var runs = set.Runs.ToArray();
        var s = new StringBuilder();
        s.AppendLine($"# {analysis.ExperimentName}");
        s.AppendLine();
        Facts(s, analysis, runs, writtenUtc);

        s.AppendLine("## Learning curves");
        s.AppendLine();
        s.AppendLine($"Each curve is the {options.CentreName} over a variant's seeds of the runs' values, each run linearly interpolated onto " +
            $"{options.Points} evenly spaced points of {options.X.Name()} " +
            (options.Longest ? "up to the variant's longest run (later points over the runs that got there)" : "up to where the variant's shortest run ended (every point has every run)") +
            (options.Smooth > 1 ? $", then smoothed by a trailing moving average over {options.Smooth} points" : "") +
            $"; the shaded band is a 95 % percentile stratified-bootstrap confidence interval ({options.Replicates} resamples of the runs, seed {options.BootstrapSeed}; " +
            "Agarwal et al. 2021, \"Deep Reinforcement Learning at the Edge of the Statistical Precipice\", NeurIPS).");
        s.AppendLine();
        foreach (var m in analysis.Metrics)
        {
            if (figures.TryGetValue(m.Metric.Name, out string? link)) s.AppendLine($"![{m.Title}]({link})").AppendLine();
            else s.AppendLine($"No figure of {m.Metric.Name}: no run has it.").AppendLine();
        }

        s.AppendLine("## Final performance");
        s.AppendLine();
        foreach (var m in analysis.Metrics.Where(m => m.Finals.Count > 0))
        {
            s.AppendLine($"### {SummaryTables.Heading(m, options)}");
            s.AppendLine();
            s.AppendLine(SummaryTables.Final(m, options));
            if (SummaryTables.Notes(m) is { Length: > 0 } notes) s.AppendLine(notes);
        }

        s.AppendLine("## Probability of improvement");
        s.AppendLine();
        var compared = analysis.Metrics.Where(m => m.Finals.Count > 1).ToArray();
        if (compared.Length == 0) s.AppendLine("Only one variant: nothing to compare.").AppendLine();
        foreach (var m in compared)
        {
            s.AppendLine($"### {m.Metric.Name}");
            s.AppendLine();
            s.AppendLine(SummaryTables.Improvement(m));
        }

        s.AppendLine("## What each variant changes");
        s.AppendLine();
        Differences(s, set);

        s.AppendLine("## Runs");
        s.AppendLine();
        RunTable(s, analysis, runs);

        s.AppendLine("## Left out");
        s.AppendLine();
        var left = set.Skipped.Concat(analysis.SkippedLines)
            .Concat(analysis.Metrics.SelectMany(m => m.Skipped.Select(k => $"{k} (from {m.Metric.Name})"))).ToArray();
        if (left.Length == 0) s.AppendLine("Nothing: every run directory and every line was used.");
        foreach (string l in left) s.AppendLine($"- {l}");
        s.AppendLine();

        s.AppendLine("## Reproduce");
        s.AppendLine();
        s.AppendLine("```bash");
        foreach (string c in commands) s.AppendLine(c);
        s.AppendLine("```");
        return s.ToString();
    }

    private static void Facts(StringBuilder s, AnalysisResult analysis, RunRecord[] runs, DateTime writtenUtc)
    {
        var set = analysis.Runs;
        var seeds = runs.Select(r => r.Seed).Where(x => x is not null).Distinct().Order().Select(x => x!.Value.ToString(CultureInfo.InvariantCulture)).ToArray();
        s.AppendLine($"- **Runs:** {runs.Length} in {set.Variants.Count} variant{(set.Variants.Count == 1 ? "" : "s")} " +
            $"({string.Join(", ", set.Variants.Select(v => $"{v.Name}: {v.Runs.Count}"))}); seeds {string.Join(", ", seeds)}");
        s.AppendLine($"- **Algorithm:** {Distinct(runs, "algorithm")}; **env:** {Distinct(runs, "env.id")}" +
            (EnvOptions(runs) is { Length: > 0 } o ? $" ({o})" : ""));
        s.AppendLine($"- **Budget:** {Budget(set.Experiment, set)}");
        var started = runs.Select(r => r.Config.GetValueOrDefault("provenance.written_utc")).Where(t => t is not null).Order(StringComparer.Ordinal).ToArray();
        if (started.Length > 0) s.AppendLine($"- **Started:** {Time(started[0]!)} to {Time(started[^1]!)} UTC (the runs' config.yaml)");
        s.AppendLine($"- **Code:** rl {Distinct(runs, "provenance.versions.rl")}, git {Distinct(runs, "provenance.versions.git_commit")}");
        s.AppendLine($"- **Software:** TorchSharp {Distinct(runs, "provenance.versions.torchsharp")}, libtorch {Distinct(runs, "provenance.versions.libtorch")}, " +
            $"{Distinct(runs, "provenance.versions.dotnet")}, {Distinct(runs, "provenance.versions.os")}");
        if (runs.Select(r => r.Config.GetValueOrDefault("provenance.versions.simulator")).FirstOrDefault(v => v is not null) is not null)
            s.AppendLine($"- **Simulator:** {Distinct(runs, "provenance.versions.simulator")}; {Distinct(runs, "provenance.versions.simulator_version")}");
        s.AppendLine($"- **Report written:** {writtenUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        s.AppendLine();
    }

    private static string Distinct(IEnumerable<RunRecord> runs, string key)
    {
        var values = runs.Select(r => r.Config.GetValueOrDefault(key)).Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).ToArray();
        return values.Length == 0 ? "unknown" : string.Join(" / ", values);
    }

    private static string EnvOptions(RunRecord[] runs)
    {
        var keys = runs.SelectMany(r => r.Config.Keys).Where(k => k.StartsWith("env.options.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal);
        return string.Join(", ", keys.Select(k => $"{k["env.options.".Length..]}={Distinct(runs, k)}"));
    }

    /// <summary>
    /// The experiment's budget when a sweep ran it, otherwise each variant's own limits from config.yaml (0 there:
    /// no limit), said once when every variant has the same.
    /// </summary>
    private static string Budget(ExperimentCopy? experiment, RunSet set)
    {
        var parts = new List<string>();
        if (experiment?.BudgetEnvSteps is double steps) parts.Add($"{Formats.Number(steps)} decisions");
        if (experiment?.BudgetHours is double hours) parts.Add($"{Formats.Number(hours)} h");
        if (parts.Count > 0) return string.Join(", ", parts) + $" per run ({ExperimentCopy.FileName} budget)";
        var byVariant = set.Variants.Select(v => (v.Name, Budget: string.Join(" / ", v.Runs.Select(RunBudget).Distinct(StringComparer.Ordinal)))).ToArray();
        return byVariant.Select(v => v.Budget).Distinct(StringComparer.Ordinal).Count() == 1
            ? $"{byVariant[0].Budget} per run (config.yaml train.*)"
            : string.Join("; ", byVariant.Select(v => $"{v.Name}: {v.Budget}")) + " (config.yaml train.*)";
    }

    private static string RunBudget(RunRecord run)
    {
        var limits = new List<string>();
        foreach (var (key, unit) in new[] { ("train.max_env_steps", "decisions"), ("train.max_updates", "updates"), ("train.max_hours", "h") })
            if (double.TryParse(run.Config.GetValueOrDefault(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0)
                limits.Add($"{Formats.Number(v)} {unit}");
        return limits.Count == 0 ? "no limit" : string.Join(" or ", limits);
    }

    private static string Time(string utc) =>
        DateTime.TryParse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : utc;

    private static void Differences(StringBuilder s, RunSet set)
    {
        if (set.Variants.Count < 2)
        {
            s.AppendLine("One variant: nothing differs.").AppendLine();
            return;
        }
        var differences = ConfigDifferences.Between(set.Variants);
        if (differences.Count == 0)
        {
            s.AppendLine("The variants' config.yaml files do not differ (apart from name, seed and provenance).").AppendLine();
            return;
        }
        s.AppendLine("The config.yaml keys whose values differ between variants (name, seed and provenance left out; a/b: runs of the variant differ).");
        s.AppendLine();
        s.AppendLine("| key | " + string.Join(" | ", set.Variants.Select(v => v.Name)) + " |");
        s.AppendLine("|---|" + string.Concat(set.Variants.Select(_ => "---|")));
        foreach (var d in differences) s.AppendLine($"| `{d.Key}` | " + string.Join(" | ", d.Values) + " |");
        s.AppendLine();
    }

    private static void RunTable(StringBuilder s, AnalysisResult analysis, RunRecord[] runs)
    {
        var finals = analysis.Metrics.Where(m => m.Metric.Kind is MetricKind.Eval or MetricKind.Score).ToArray();
        s.AppendLine("| variant | seed | decisions | updates | training time | " + string.Concat(finals.Select(m => $"final {m.Metric.Name} | ")) + "directory |");
        s.AppendLine("|---|---:|---:|---:|---:|" + string.Concat(finals.Select(_ => "---:|")) + "---|");
        foreach (var run in runs)
        {
            var t = RunTotals.Of(run);
            string wall = t.WallSeconds is double w ? TimeSpan.FromSeconds(w).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "—";
            var cells = finals.Select(m => m.Finals.SelectMany(f => f.Runs).FirstOrDefault(r => r.Run == run) is { } c ? Formats.Number(c.Final) : "—");
            s.AppendLine($"| {run.Variant} | {run.SeedText} | {Count(t.EnvSteps)} | {Count(t.Updates)} | {wall} | " + string.Concat(cells.Select(c => c + " | ")) + $"{run.RelativePath} |");
        }
        s.AppendLine();
    }

    private static string Count(double? v) => v is double d ? Formats.X(d, XAxis.EnvSteps) : "—";
}
