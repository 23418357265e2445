using System.CommandLine;
using System.Globalization;
using RL.Analysis;

namespace RL.Cli.Commands;

/// <summary>
/// The options `rl plot` and `rl report` share (x axis, grid, window, smoothing, statistic, span, figure size),
/// read into <see cref="AnalysisOptions"/> with one clear line for a bad value, and written back as the arguments
/// of the command that reproduces a result.
/// </summary>
internal sealed class AnalysisCommandOptions
{
    private static readonly AnalysisOptions Defaults = new();
    public const int DefaultWidth = 1000, DefaultHeight = 600;

    public Option<string> X { get; } = new("--x") { Description = "x axis: env_steps (decisions, all envs), updates, or hours (training wall-clock).", DefaultValueFactory = _ => "env_steps" };
    public Option<int> Points { get; } = new("--points") { Description = "Points of the common x grid each run is interpolated onto.", DefaultValueFactory = _ => Defaults.Points };
    public Option<int> Window { get; } = new("--window") { Description = "Training episodes in the score's running mean and in a run's final training score.", DefaultValueFactory = _ => Defaults.Window };
    public Option<int> Smooth { get; } = new("--smooth") { Description = "Trailing moving average of each run's curve over K grid points (1: none).", DefaultValueFactory = _ => Defaults.Smooth };
    public Option<string> Stat { get; } = new("--stat") { Description = "Curve centre over seeds: iqm (interquartile mean, Agarwal et al. 2021) or mean.", DefaultValueFactory = _ => "iqm" };
    public Option<string> Span { get; } = new("--span") { Description = "shortest: a variant's curve ends where its shortest run ends (every point has every run); longest: it goes on to its longest run's end.", DefaultValueFactory = _ => "shortest" };
    public Option<int> Width { get; } = new("--width") { Description = "Figure width in pixels.", DefaultValueFactory = _ => DefaultWidth };
    public Option<int> Height { get; } = new("--height") { Description = "Figure height in pixels.", DefaultValueFactory = _ => DefaultHeight };

    public IEnumerable<Option> All => [X, Points, Window, Smooth, Stat, Span, Width, Height];

    /// <summary>The options' values with <paramref name="metrics"/>; a bad value is an <see cref="AnalysisInputException"/> naming the option.</summary>
    public (AnalysisOptions Options, int Width, int Height) Read(ParseResult p, IReadOnlyList<Metric> metrics)
    {
        string x = p.GetValue(X)!, stat = p.GetValue(Stat)!, span = p.GetValue(Span)!;
        var axis = XAxes.Parse(x) ?? throw new AnalysisInputException($"--x '{x}': use env_steps, updates or hours.");
        if (stat is not ("iqm" or "mean")) throw new AnalysisInputException($"--stat '{stat}': use iqm or mean.");
        if (span is not ("shortest" or "longest")) throw new AnalysisInputException($"--span '{span}': use shortest or longest.");
        var options = new AnalysisOptions
        {
            Metrics = metrics,
            X = axis,
            Points = AtLeast(p, Points, 2),
            Window = AtLeast(p, Window, 1),
            Smooth = AtLeast(p, Smooth, 1),
            Statistic = stat == "iqm" ? CentreStatistic.Iqm : CentreStatistic.Mean,
            Longest = span == "longest",
        };
        int width = AtLeast(p, Width, 200), height = AtLeast(p, Height, 150);
        if (width > 10000 || height > 10000) throw new AnalysisInputException($"--width and --height: at most 10000 pixels, got {width}x{height}.");
        return (options, width, height);
    }

    /// <summary>The arguments that give <paramref name="options"/> and the figure size, defaults left out.</summary>
    public static IEnumerable<string> Arguments(AnalysisOptions options, int width, int height)
    {
        if (options.X != Defaults.X) yield return $"--x {options.X.Name()}";
        if (options.Points != Defaults.Points) yield return Int("--points", options.Points);
        if (options.Window != Defaults.Window) yield return Int("--window", options.Window);
        if (options.Smooth != Defaults.Smooth) yield return Int("--smooth", options.Smooth);
        if (options.Statistic != Defaults.Statistic) yield return "--stat mean";
        if (options.Longest) yield return "--span longest";
        if (width != DefaultWidth) yield return Int("--width", width);
        if (height != DefaultHeight) yield return Int("--height", height);
    }

    /// <summary>A path or value as a shell word: quoted when it holds anything a shell would split or expand.</summary>
    public static string Word(string text) =>
        text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ',' or ':' or '+' or '=') ? text : "'" + text.Replace("'", "'\\''") + "'";

    private static string Int(string name, int value) => $"{name} {value.ToString(CultureInfo.InvariantCulture)}";

    private static int AtLeast(ParseResult p, Option<int> option, int min)
    {
        int v = p.GetValue(option);
        return v >= min ? v : throw new AnalysisInputException($"{option.Name} {v}: must be at least {min}.");
    }
}
