using System.Globalization;
using System.Text;
using RL.Analysis;

namespace RL.Cli.Sweeps;

/// <summary>
/// The grid at a glance when a sweep ends (issue 13): every cell's state and latest evaluation, and per variant
/// the mean and interquartile mean of those evaluations with a 95 % bootstrap interval over seeds. Curves and
/// the full table with P(improvement) are `rl report`'s job; this is what a sweep can say by itself.
/// </summary>
public static class SweepSummary
{
    public const string MarkdownName = "sweep-summary.md";
    public const string CsvName = "sweep-summary.csv";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static (string Markdown, string Csv) Write(string root, ExperimentFile experiment, IReadOnlyList<CellStatus> cells)
    {
        var csv = new StringBuilder("variant,seed,state,attempts,last_exit,env_steps,wall_s,last_evaluation,last_evaluation_env_steps,run_directory\n");
        foreach (var c in cells)
            csv.Append(string.Create(Invariant,
                $"{c.Cell.Variant.Name},{c.Cell.Seed},{c.Phase.ToString().ToLowerInvariant()},{c.Attempts},{c.LastExit},{c.Progress.EnvSteps},{c.Progress.WallSeconds:0.###},{c.Progress.LastEvaluation:R},{c.Progress.LastEvaluationSteps},{Path.GetRelativePath(root, c.Cell.Directory)}\n"));

        var md = new StringBuilder();
        md.AppendLine($"# Sweep {experiment.Name}");
        md.AppendLine();
        md.AppendLine(string.Create(Invariant,
            $"{experiment.Variants.Count} variants × {experiment.Seeds.Count} seeds, budget {experiment.Budget} per cell, base `{Path.GetFileName(experiment.BaseConfig)}`; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC."));
        md.AppendLine();
        md.AppendLine("Latest evaluation of each run (the end-of-training one for finished cells): mean over the evaluation's episodes; across seeds, mean and interquartile mean (IQM) with a 95 % percentile-bootstrap interval (Agarwal et al. 2021). Few seeds make wide intervals.");
        md.AppendLine();
        md.AppendLine("| Variant | Runs done | Mean | IQM [95 % CI] | Min – max |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var variant in experiment.Variants)
        {
            var runs = cells.Where(c => c.Cell.Variant == variant).ToList();
            var scores = runs.Where(c => c.Phase is CellPhase.Done or CellPhase.Skipped && c.Progress.LastEvaluation.HasValue)
                .Select(c => c.Progress.LastEvaluation!.Value).ToList();
            if (scores.Count == 0)
            {
                md.AppendLine($"| {variant.Name} | 0 of {runs.Count} | | | |");
                continue;
            }
            var iqm = SeedStatistics.StratifiedBootstrap(new[] { scores }, SeedStatistics.InterquartileMean, seed: 1);
            md.AppendLine(string.Create(Invariant,
                $"| {variant.Name} | {scores.Count} of {runs.Count} | {scores.Average():0.###} | {iqm.Value:0.###} [{iqm.Low:0.###}, {iqm.High:0.###}] | {scores.Min():0.###} – {scores.Max():0.###} |"));
        }
        md.AppendLine();
        md.AppendLine("| Cell | State | Attempts | Decisions | Latest evaluation | Note |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var c in cells)
            md.AppendLine(string.Create(Invariant,
                $"| {c.Cell.Id} | {SweepText.Phase(c)} | {c.Attempts} | {c.Progress.EnvSteps:N0} | {SweepText.Evaluation(c)} | {c.Note.Replace("|", "\\|")} |"));
        md.AppendLine();
        md.AppendLine($"Curves with confidence bands and pairwise probabilities of improvement: `rl report {root}`.");

        string mdPath = Path.Combine(root, MarkdownName), csvPath = Path.Combine(root, CsvName);
        RL.Core.Logging.AtomicFile.WriteAllText(mdPath, md.ToString());
        RL.Core.Logging.AtomicFile.WriteAllText(csvPath, csv.ToString());
        return (mdPath, csvPath);
    }
}
