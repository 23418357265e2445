using System.Globalization;
using ScottPlot;

namespace RL.Analysis;

/// <summary>
/// One metric's learning curves as a figure for a paper: per variant the centre line over seeds and its shaded
/// 95 % interval, in colour-blind-safe colours, with a legend outside the data so no curve hides under it.
/// </summary>
public static class LearningCurveFigure
{
    public static readonly IReadOnlyList<string> ImageFormats = ["png", "svg"];

    /// <summary>
    /// Wong 2011 ("Points of view: Color blindness", Nature Methods 8:441): colours told apart with any colour
    /// vision, ordered so that the first variants get the most distinct ones; yellow, faint on white, comes last.
    /// </summary>
    public static readonly IReadOnlyList<Color> Colours =
        Color.FromHex(["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]);

    /// <summary>Writes <paramref name="stem"/>.png and/or .svg and returns the paths written.</summary>
    public static IReadOnlyList<string> Save(MetricResult result, AnalysisOptions options, string stem, IReadOnlyList<string> formats, int width, int height)
    {
        var plot = Build(result, options);
        var written = new List<string>();
        foreach (string format in formats)
        {
            string path = $"{stem}.{format}";
            if (format == "png") plot.SavePng(path, width, height);
            else if (format == "svg") plot.SaveSvg(path, width, height);
            else throw new ArgumentException($"unknown image format '{format}'.", nameof(formats));
            written.Add(path);
        }
        return written;
    }

    public static Plot Build(MetricResult result, AnalysisOptions options)
    {
        var plot = new Plot();
        for (int i = 0; i < result.Curves.Count; i++)
        {
            var curve = result.Curves[i];
            var color = Colours[i % Colours.Count];
            var band = plot.Add.FillY(curve.X, curve.Low, curve.High);
            band.FillColor = color.WithAlpha(0.18);
            band.LineWidth = 0;
            var line = plot.Add.ScatterLine(curve.X, curve.Centre, color);
            line.LineWidth = 2.5f;
            // A one-point grid (runs that all ended at one x) has no line to draw: show the point.
            line.MarkerSize = curve.X.Length == 1 ? 9 : 0;
            line.LegendText = curve.RunCount == 1 ? $"{curve.Variant} (1 run)" : $"{curve.Variant} ({curve.RunCount} runs)";
        }
        string centre = options.Smooth > 1 ? $"{options.CentreName} over seeds, smoothed over {options.Smooth} points" : $"{options.CentreName} over seeds";
        plot.Title($"{result.Title}\n{centre}; shaded: 95 % stratified bootstrap CI", 17);
        plot.XLabel(result.XLabel, 15);
        plot.YLabel(result.YLabel, 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        if (options.X != XAxis.Hours)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Count };
        // Below the data, items side by side: outside so no curve hides under it, and the data keep the full width.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = 14;
        plot.Legend.ShadowColor = Colors.Transparent;
        return plot;
    }

    /// <summary>Decision and update counts as 250k and 1.5M: seven-digit tick labels crowd the axis.</summary>
    private static string Count(double v)
    {
        double a = Math.Abs(v);
        return a >= 1e6 ? (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M"
            : a >= 1e3 ? (v / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k"
            : v.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
