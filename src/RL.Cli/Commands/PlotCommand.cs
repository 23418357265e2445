using System.CommandLine;
using RL.Analysis;

namespace RL.Cli.Commands;

/// <summary>
/// `rl plot &lt;runs dir&gt;` (issue 13): learning curves over seeds with 95 % confidence bands, one figure per metric
/// and one colour per variant, and a summary of each variant's final values with the probability of improvement
/// between variants (Agarwal et al. 2021). Runs that cannot be used are said one line each; the rest are plotted.
/// </summary>
public static class PlotCommand
{
    public const string DefaultOutFolder = "plots";

    public static Command Create()
    {
        var runs = new Argument<string>("runs") { Description = "Folder of runs: an experiment (<experiment>/<variant>/seed_<k>/) or runs of rl train (<name>-seed<N>/)." };
        var metric = new Option<string[]>("--metric")
        {
            Description = "score (training episodes), eval (evaluations) or a progress.csv column; repeatable or comma-separated. Default: score,eval.",
            AllowMultipleArgumentsPerToken = false,
        };
        var format = new Option<string>("--format") { Description = "Figure formats: png, svg or both (comma-separated).", DefaultValueFactory = _ => "png,svg" };
        var output = new Option<string?>("--out") { Description = $"Folder for the figures and summary files (default <runs>/{DefaultOutFolder})." };
        var shared = new AnalysisCommandOptions();
        var command = new Command("plot", "Learning curves over seeds with 95 % bootstrap bands, and a summary table of final values per variant.") { runs, metric, format, output };
        foreach (var o in shared.All) command.Options.Add(o);
        command.SetAction(p => Run(p.GetValue(runs)!, p.GetValue(format)!, p.GetValue(output), () => shared.Read(p, Metrics(p.GetValue(metric) ?? [])),
            Console.Out, Console.Error));
        return command;
    }

    /// <summary>The metrics of repeated and comma-separated --metric values, in order, each once; none given: score and eval.</summary>
    public static IReadOnlyList<Metric> Metrics(IEnumerable<string> values)
    {
        var names = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToArray();
        return names.Length == 0 ? [Metric.Score, Metric.Eval] : names.Select(Metric.Parse).ToArray();
    }

    /// <summary>The --format list; an unknown format is an <see cref="AnalysisInputException"/>.</summary>
    public static IReadOnlyList<string> Formats(string value)
    {
        var formats = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).Distinct().ToArray();
        if (formats.Length == 0 || formats.Any(f => !LearningCurveFigure.ImageFormats.Contains(f)))
            throw new AnalysisInputException($"--format '{value}': use png, svg or png,svg.");
        return formats;
    }

    private static int Run(string root, string format, string? outDir, Func<(AnalysisOptions, int, int)> read, TextWriter output, TextWriter error)
    {
        string folder = outDir ?? Path.Combine(root, DefaultOutFolder);
        try
        {
            var (options, width, height) = read();
            var formats = Formats(format);
            var analysis = Analyse(RunScan.Scan(root), root, options, output);
            var figures = AnalysisFiles.Write(analysis, folder, formats, width, height);
            output.Write(SummaryFiles.MarkdownText(analysis));
            foreach (var (_, paths) in figures) output.WriteLine($"wrote {string.Join(", ", paths)}");
            foreach (var m in analysis.Metrics.Where(m => !figures.ContainsKey(m.Metric.Name)))
                output.WriteLine($"no figure of {m.Metric.Name}: no run has a curve of it (the summary says why)");
            output.WriteLine($"wrote {Path.Combine(folder, SummaryFiles.Markdown)}, {SummaryFiles.Csv}, {SummaryFiles.ImprovementCsv}");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is AnalysisInputException or DirectoryNotFoundException)
        {
            error.WriteLine($"rl plot: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"rl plot: cannot write to {folder}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Analyses the runs found under <paramref name="root"/>, saying first what was found and what was left out (shared with `rl report`).</summary>
    internal static AnalysisResult Analyse(RunSet set, string root, AnalysisOptions options, TextWriter output)
    {
        var analysis = ExperimentAnalysis.Run(set, options);
        output.WriteLine($"{set.Runs.Count()} runs in {set.Variants.Count} variant{(set.Variants.Count == 1 ? "" : "s")} under {root}: " +
            string.Join(", ", set.Variants.Select(v => $"{v.Name} ({v.Runs.Count})")));
        foreach (string s in set.Skipped.Concat(analysis.SkippedLines)) output.WriteLine($"skipped {s}");
        return analysis;
    }
}
