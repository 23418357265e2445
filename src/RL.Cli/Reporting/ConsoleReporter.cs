using System.Globalization;
using RL.Algorithms.Training;
using Spectre.Console;

namespace RL.Cli.Reporting;

/// <summary>
/// Periodic plain log lines, for when stdout is not a terminal (ecosystem.md F5: progress bars spam redirected
/// logs). One line every <c>interval</c> seconds plus every message.
/// </summary>
public sealed class PlainReporter : ITrainingReporter
{
    private readonly TextWriter _out;
    private readonly double _interval;
    private double _last = double.NegativeInfinity;

    public PlainReporter(TextWriter output, double intervalSeconds)
    {
        _out = output;
        _interval = intervalSeconds;
    }

    public void Report(ProgressSnapshot s)
    {
        if (s.WallSeconds - _last < _interval) return;
        _last = s.WallSeconds;
        _out.WriteLine(Line(s));
        _out.Flush();
    }

    public void Message(string line)
    {
        _out.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        _out.Flush();
    }

    public static string Line(ProgressSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"[{DateTime.Now:HH:mm:ss}] {s.Run}: {s.EnvSteps} env steps, {s.Updates} updates, {Hours(s.WallSeconds)} | {s.StepsPerSecond:F0} steps/s, " +
        $"{s.UpdatesPerSecond:F0} updates/s, learner idle {s.LearnerIdleFraction:P0} | last score {s.RecentScore:F2}, return {s.RecentReturn:F2}" +
        $"{(double.IsNaN(s.LastEvaluation) ? "" : $", eval {s.LastEvaluation:F2}")} | episodes {s.Episodes}, dropped {s.EpisodesDropped}, restarts {s.Restarts}");

    public static string Hours(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
}

/// <summary>A Spectre.Console progress bar for terminals: the run's budget as the bar, throughput and scores as its text.</summary>
public sealed class ProgressBarReporter : ITrainingReporter
{
    private readonly ProgressTask _task;

    public ProgressBarReporter(ProgressTask task) => _task = task;

    public void Report(ProgressSnapshot s)
    {
        double fraction = s.MaxEnvSteps > 0 ? s.EnvSteps / (double)s.MaxEnvSteps : s.MaxSeconds > 0 ? s.WallSeconds / s.MaxSeconds : 0;
        _task.Value = Math.Min(100, 100 * fraction);
        _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{s.Run} {s.EnvSteps} steps {s.Updates} upd {s.StepsPerSecond:F0}/s idle {s.LearnerIdleFraction:P0} score {s.RecentScore:F1}" +
            $"{(double.IsNaN(s.LastEvaluation) ? "" : $" eval {s.LastEvaluation:F1}")}"));
    }

    public void Message(string line) => AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(line)}");
}
