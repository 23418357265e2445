using RL.Algorithms.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RL.Cli.Reporting;

/// <summary>
/// The live display of `rl train` on a terminal: four lines (budget with a bar and ETA, speed, learning, health) redrawn
/// about once a second, with messages (evaluations, checkpoints, restarts, Ctrl-C) printed above it so they stay
/// readable (issue 11: the old one-line bar overwrote Ctrl-C's message).
/// </summary>
public sealed class TerminalReporter : ITrainingReporter
{
    private const int BarWidth = 40;
    private readonly LiveDisplayContext _live;
    // Spectre's live display is not thread-safe; messages come from sampler threads and the signal handler too.
    private readonly object _gate = new();

    public TerminalReporter(LiveDisplayContext live) => _live = live;

    // Filled and empty parts of the bar differ in shape, not only colour, so NO_COLOR terminals and pane captures show it.
    /// <summary>What the display shows before the first snapshot.</summary>
    public static IRenderable Starting(string what) => new Markup($"[grey]{Markup.Escape(what)}[/]");

    public void Report(ProgressSnapshot s)
    {
        lock (_gate)
        {
            _live.UpdateTarget(Render(s));
            _live.Refresh();
        }
    }

    public void Message(string line)
    {
        // Padded to the width: Spectre writes the line where the display was without clearing what is left of it.
        string padded = line.PadRight(Math.Max(0, AnsiConsole.Profile.Width - 10));
        lock (_gate) AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(padded)}");
    }

    public static IRenderable Render(ProgressSnapshot s)
    {
        int filled = (int)Math.Round(BarWidth * Math.Clamp(s.Budget.Fraction, 0, 1));
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn(new GridColumn());
        grid.AddRow(new Markup($"[bold]{Markup.Escape(s.Run)}[/]"),
            new Markup($"[green]{new string('━', filled)}[/][grey]{new string('─', BarWidth - filled)}[/] {Markup.Escape(ProgressText.Budget(s))}"));
        grid.AddRow(new Markup("[blue]speed[/]"), new Text(ProgressText.Speed(s)));
        grid.AddRow(new Markup("[blue]learning[/]"), new Text(ProgressText.Learning(s)));
        grid.AddRow(new Markup("[blue]health[/]"), new Markup(s.Restarts + s.EpisodesDropped > 0
            ? $"[yellow]{Markup.Escape(ProgressText.Health(s))}[/]"
            : Markup.Escape(ProgressText.Health(s))));
        return grid;
    }
}
