namespace RL.Analysis;

/// <summary>Writes what an analysis shows into one folder: a figure per metric that has a curve, and the summary files.</summary>
public static class AnalysisFiles
{
    /// <summary>Writes the figures (&lt;metric&gt;.png/.svg) and the summary files; returns each figure's paths by metric name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Write(AnalysisResult analysis, string directory, IReadOnlyList<string> formats, int width, int height)
    {
        Directory.CreateDirectory(directory);
        var figures = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var m in analysis.Metrics.Where(m => m.Curves.Count > 0))
            figures[m.Metric.Name] = LearningCurveFigure.Save(m, analysis.Options, Path.Combine(directory, m.Metric.FileStem), formats, width, height);
        SummaryFiles.Write(analysis, directory);
        return figures;
    }
}
