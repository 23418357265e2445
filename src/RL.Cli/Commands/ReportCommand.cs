using System.CommandLine;
using RL.Analysis;

namespace RL.Cli.Commands;

/// <summary>
/// `rl report &lt;runs dir&gt;` (issue 13): the analysis of `rl plot` (training score, evaluation score and the
/// algorithm's main loss) as one Markdown file for a paper's appendix, with its figures beside it in
/// &lt;report&gt;-figures/ and the commands that reproduce it.
/// </summary>
public static class ReportCommand
{
    public const string DefaultFileName = "report.md";

    public static Command Create()
    {
        var runs = new Argument<string>("runs") { Description = "Folder of runs: an experiment (<experiment>/<variant>/seed_<k>/) or runs of rl train (<name>-seed<N>/)." };
        var output = new Option<string?>("--out") { Description = $"The report file (default <runs>/{DefaultFileName}); its figures go to <report>-figures/ beside it." };
        var shared = new AnalysisCommandOptions();
        var command = new Command("report", "A Markdown report of an experiment: what ran, learning curves, final-performance and improvement tables, config differences, runs, commands.")
        {
            runs, output,
        };
        foreach (var o in shared.All) command.Options.Add(o);
        command.SetAction(p => Run(p.GetValue(runs)!, p.GetValue(output), metrics => shared.Read(p, metrics), Console.Out, Console.Error));
        return command;
    }

    private static int Run(string root, string? outFile, Func<IReadOnlyList<Metric>, (AnalysisOptions, int, int)> read, TextWriter output, TextWriter error)
    {
        string report = outFile ?? Path.Combine(root, DefaultFileName);
        string figures = Path.Combine(Path.GetDirectoryName(report) is { Length: > 0 } d ? d : ".", Path.GetFileNameWithoutExtension(report) + "-figures");
        try
        {
            var set = RunScan.Scan(root);
            var metrics = new List<Metric> { Metric.Score, Metric.Eval };
            if (ExperimentAnalysis.MainLoss(set) is { } loss) metrics.Add(loss);
            var (options, width, height) = read(metrics);
            var analysis = PlotCommand.Analyse(set, root, options, output);
            var written = AnalysisFiles.Write(analysis, figures, LearningCurveFigure.ImageFormats, width, height);
            string reportDir = Path.GetDirectoryName(Path.GetFullPath(report))!;
            var links = written.ToDictionary(w => w.Key, w => Path.GetRelativePath(reportDir, Path.GetFullPath(w.Value[0])).Replace('\\', '/'), StringComparer.Ordinal);
            File.WriteAllText(report, ExperimentReport.Markdown(analysis, links, Commands(set, root, report, figures, options, width, height), DateTime.UtcNow));
            output.WriteLine($"wrote {report} (figures and summary files in {figures})");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is AnalysisInputException or DirectoryNotFoundException)
        {
            error.WriteLine($"rl report: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"rl report: cannot write {report}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The sweep that made the runs (when an experiment file is there: the original the sweep was given, as its copy
    /// records, since the copy's base: path is relative to the original), the `rl plot` that draws the same
    /// figures, and this report's own command, defaults left out.
    /// </summary>
    private static IReadOnlyList<string> Commands(RunSet set, string root, string report, string figures, AnalysisOptions options, int width, int height)
    {
        var commands = new List<string>();
        if (set.Experiment is { } experiment)
        {
            string file = experiment.Source ?? Path.Combine(root, ExperimentCopy.FileName);
            commands.Add($"rl sweep {AnalysisCommandOptions.Word(file)}");
        }
        var shared = AnalysisCommandOptions.Arguments(options, width, height).ToArray();
        commands.Add(string.Join(' ', new[] { "rl plot", AnalysisCommandOptions.Word(root), "--metric", AnalysisCommandOptions.Word(string.Join(',', options.Metrics.Select(m => m.Name))) }
            .Concat(shared).Append($"--out {AnalysisCommandOptions.Word(figures)}")));
        string defaultReport = Path.Combine(root, DefaultFileName);
        commands.Add(string.Join(' ', new[] { "rl report", AnalysisCommandOptions.Word(root) }
            .Concat(report == defaultReport ? [] : [$"--out {AnalysisCommandOptions.Word(report)}"]).Concat(shared)));
        return commands;
    }
}
