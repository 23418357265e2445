using System.Globalization;
using RL.Cli.Reporting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RL.Cli.Sweeps;

/// <summary>The words and numbers both views show for a cell and for the grid.</summary>
public static class SweepText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Phase(CellStatus s) => s.Phase switch
    {
        CellPhase.Queued => "queued",
        CellPhase.Running => s.Attempts > 1 ? $"running (attempt {s.Attempts})" : "running",
        CellPhase.Retrying => $"retrying (attempt {s.Attempts} failed)",
        CellPhase.Done => "done",
        CellPhase.Skipped => "done earlier (skipped)",
        CellPhase.Busy => "trained by another process",
        CellPhase.Failed => "FAILED",
        CellPhase.Stopped => "stopped",
        _ => s.Phase.ToString(),
    };

    public static string Percent(CellStatus s, SweepBudget budget) =>
        budget.EnvSteps > 0 ? string.Create(Invariant, $"{Math.Min(100, 100.0 * s.Progress.EnvSteps / budget.EnvSteps):0} %")
        : budget.Hours > 0 ? string.Create(Invariant, $"{Math.Min(100, 100.0 * s.Progress.WallSeconds / (budget.Hours * 3600)):0} %")
        : "";

    public static string Evaluation(CellStatus s) => s.Progress.LastEvaluation is double e
        ? string.Create(Invariant, $"{e:0.##} at {s.Progress.LastEvaluationSteps / 1000.0:0}k") : "";

    public static string Grid(SweepSnapshot snap)
    {
        int done = snap.Cells.Count(c => c.Phase is CellPhase.Done or CellPhase.Skipped);
        int running = snap.Cells.Count(c => c.Phase is CellPhase.Running or CellPhase.Retrying);
        int failed = snap.Cells.Count(c => c.Phase == CellPhase.Failed);
        string rate = snap.DecisionsPerSecond is double r ? string.Create(Invariant, $" · {r:N0} decisions/s over the grid") : "";
        string eta = snap.EtaSeconds is double e ? $" · ETA {ProgressText.Clock(e)}" : " · ETA after the first minute";
        return string.Create(Invariant,
            $"{done}/{snap.Cells.Count} cells done, {running} running{(failed > 0 ? $", {failed} failed" : "")} · elapsed {ProgressText.Clock(snap.Elapsed)}{rate}{eta}");
    }
}

/// <summary>Without a terminal: a line when a cell changes phase, and the grid's line every <c>interval</c> seconds.</summary>
public sealed class PlainSweepView : ISweepView
{
    private readonly TextWriter _out;
    private readonly SweepBudget _budget;
    private readonly double _interval;
    private readonly Dictionary<SweepCell, CellPhase> _seen = new();
    private DateTime _last = DateTime.MinValue;
    private readonly object _gate = new();

    public PlainSweepView(TextWriter output, SweepBudget budget, double intervalSeconds = 30)
    {
        _out = output;
        _budget = budget;
        _interval = intervalSeconds;
    }

    public void Update(SweepSnapshot snap)
    {
        lock (_gate)
        {
            if (DateTime.UtcNow - _last < TimeSpan.FromSeconds(_interval) && snap.EtaSeconds != 0) return;
            _last = DateTime.UtcNow;
            var running = snap.Cells.Where(c => c.Phase is CellPhase.Running or CellPhase.Retrying)
                .Select(c => $"{c.Cell.Id} {SweepText.Percent(c, _budget)}{(SweepText.Evaluation(c) is { Length: > 0 } e ? $" (eval {e})" : "")}");
            _out.WriteLine($"[{DateTime.Now:HH:mm:ss}] {SweepText.Grid(snap)}{(running.Any() ? " | " + string.Join(", ", running) : "")}");
        }
    }

    public void Message(string line)
    {
        lock (_gate) _out.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
    }
}

/// <summary>On a terminal: one table row per cell (phase, attempt, progress, latest evaluation), the grid's line under it.</summary>
public sealed class TerminalSweepView : ISweepView
{
    private readonly LiveDisplayContext _live;
    private readonly SweepBudget _budget;
    private readonly object _gate = new();

    public TerminalSweepView(LiveDisplayContext live, SweepBudget budget)
    {
        _live = live;
        _budget = budget;
    }

    public void Update(SweepSnapshot snap)
    {
        lock (_gate)
        {
            _live.UpdateTarget(Render(snap, _budget));
            _live.Refresh();
        }
    }

    public void Message(string line)
    {
        lock (_gate) AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(line)}");
    }

    public static IRenderable Render(SweepSnapshot snap, SweepBudget budget)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("cell", "state", "progress", "decisions", "last evaluation", "note");
        foreach (var c in snap.Cells)
        {
            string colour = c.Phase switch
            {
                CellPhase.Running => "green",
                CellPhase.Retrying or CellPhase.Stopped or CellPhase.Busy => "yellow",
                CellPhase.Failed => "red",
                _ => "default",
            };
            table.AddRow(
                Markup.Escape(c.Cell.Id),
                $"[{colour}]{Markup.Escape(SweepText.Phase(c))}[/]",
                SweepText.Percent(c, budget),
                c.Progress.EnvSteps.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(SweepText.Evaluation(c)),
                Markup.Escape(c.Note.Length > 60 ? c.Note[..57] + "..." : c.Note));
        }
        return new Rows(table, new Markup(Markup.Escape(SweepText.Grid(snap))));
    }
}
