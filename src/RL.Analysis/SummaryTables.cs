using System.Text;

namespace RL.Analysis;

/// <summary>
/// A metric's final-performance table and probability-of-improvement table as Markdown, for summary.md, the
/// console and reports (Markdown tables read well as plain text too).
/// </summary>
public static class SummaryTables
{
    public static string Final(MetricResult result, AnalysisOptions options)
    {
        var s = new StringBuilder();
        string x = options.X.Name();
        s.AppendLine($"Final value of a run: {result.Metric.FinalDescription(options.Window)}. " + (result.YUnit is { Length: > 0 } u ? $"Unit: {u}. " : "") +
            "IQM: interquartile mean, with a 95 % stratified-bootstrap CI over runs (Agarwal et al. 2021).");
        s.AppendLine();
        s.AppendLine($"| variant | runs | final value per seed | mean | IQM [95 % CI] | median | min – max | final {x} |");
        s.AppendLine("|---|---:|---|---:|---|---:|---|---:|");
        foreach (var f in result.Finals)
        {
            string perSeed = string.Join(", ", f.Runs.Select(r => $"{r.Run.SeedText}: {Formats.Number(r.Final)}"));
            string reached = f.FinalXMin == f.FinalXMax ? Formats.X(f.FinalXMax, options.X) : $"{Formats.X(f.FinalXMin, options.X)} – {Formats.X(f.FinalXMax, options.X)}";
            s.AppendLine($"| {f.Variant} | {f.Runs.Count} | {perSeed} | {Formats.Number(f.Mean)} | {Formats.Number(f.Iqm.Value)} [{Formats.Number(f.Iqm.Low)}, {Formats.Number(f.Iqm.High)}] " +
                $"| {Formats.Number(f.Median)} | {Formats.Number(f.Min)} – {Formats.Number(f.Max)} | {reached} |");
        }
        return s.ToString();
    }

    /// <summary>P(A &gt; B) on the final values: one line for two variants, a matrix (row beats column) for more; nothing for one.</summary>
    public static string Improvement(MetricResult result)
    {
        var f = result.Finals;
        if (f.Count < 2) return "";
        var p = result.Improvement;
        var s = new StringBuilder();
        if (f.Count == 2)
        {
            s.AppendLine($"P({f[0].Variant} > {f[1].Variant}) = {Formats.Probability(p[0, 1])}: the probability that a run of {f[0].Variant} " +
                $"ends higher than a run of {f[1].Variant} (ties count half; Agarwal et al. 2021).");
            return s.ToString();
        }
        s.AppendLine("P(row > column): the probability that a run of the row's variant ends higher than a run of the column's (ties count half; Agarwal et al. 2021).");
        s.AppendLine();
        s.AppendLine("| P(row > column) | " + string.Join(" | ", f.Select(v => v.Variant)) + " |");
        s.AppendLine("|---|" + string.Concat(f.Select(_ => "---:|")));
        for (int i = 0; i < f.Count; i++)
            s.AppendLine($"| {f[i].Variant} | " + string.Join(" | ", Enumerable.Range(0, f.Count).Select(j => i == j ? "–" : Formats.Probability(p[i, j]))) + " |");
        return s.ToString();
    }

    /// <summary>The notes and the runs left out of this metric, one Markdown list item each.</summary>
    /// <summary>A metric's section heading: its name, and what it is when the name does not say (score, eval).</summary>
    public static string Heading(MetricResult result, AnalysisOptions options)
    {
        string description = result.Metric.Description(options.Window);
        return description == result.Metric.Name ? description : $"{result.Metric.Name}: {description}";
    }

    public static string Notes(MetricResult result)
    {
        var s = new StringBuilder();
        foreach (string n in result.Notes) s.AppendLine($"- {n}");
        foreach (string k in result.Skipped) s.AppendLine($"- left out of {result.Metric.Name}: {k}");
        return s.ToString();
    }
}
