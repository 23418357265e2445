using System.Text;

namespace RL.Analysis;

/// <summary>
/// Writes an analysis' summary.md (every metric's tables) and summary.csv / improvement.csv (the same numbers for
/// other tools), each CSV with a columns sidecar as every CSV of a run directory has (docs/run-directory.md).
/// </summary>
public static class SummaryFiles
{
    public const string Markdown = "summary.md";
    public const string Csv = "summary.csv";
    public const string ImprovementCsv = "improvement.csv";

    private static readonly (string Column, string Unit, string Meaning)[] SummaryColumns =
    [
        ("metric", "text", "score (training episodes), eval (scheduled evaluations) or a progress.csv column"),
        ("variant", "text", "the variant: the path above seed_<k> in a sweep, config.yaml's name otherwise"),
        ("runs", "count", "runs of the variant that have the metric"),
        ("seeds", "text", "their seeds, ';'-separated, in the order of values"),
        ("values", "metric unit", "each run's final value, ';'-separated (score: mean of the last window training episodes; eval: the last evaluation; a progress column: its last value)"),
        ("mean", "metric unit", "mean of the final values"),
        ("iqm", "metric unit", "interquartile mean of the final values (Agarwal et al. 2021)"),
        ("iqm_low", "metric unit", "lower end of the IQM's 95 % stratified-bootstrap confidence interval"),
        ("iqm_high", "metric unit", "upper end of the IQM's 95 % stratified-bootstrap confidence interval"),
        ("median", "metric unit", "median of the final values"),
        ("min", "metric unit", "smallest final value"),
        ("max", "metric unit", "largest final value"),
        ("x_axis", "text", "the x axis: env_steps (decisions), updates or hours"),
        ("final_x_min", "x unit", "the smallest x at which a run's final value was logged"),
        ("final_x_max", "x unit", "the largest x at which a run's final value was logged"),
    ];

    private static readonly (string Column, string Unit, string Meaning)[] ImprovementColumns =
    [
        ("metric", "text", "the metric compared, on each run's final value"),
        ("a", "text", "one variant"),
        ("b", "text", "another variant"),
        ("p_a_over_b", "probability 0-1", "P(a run of a ends higher than a run of b), ties counted half (Agarwal et al. 2021)"),
    ];

    /// <summary>Writes the three files (and the CSVs' sidecars) into <paramref name="directory"/> and returns summary.md's text.</summary>
    public static string Write(AnalysisResult analysis, string directory)
    {
        Directory.CreateDirectory(directory);
        string markdown = MarkdownText(analysis);
        File.WriteAllText(Path.Combine(directory, Markdown), markdown);
        var rows = analysis.Metrics.SelectMany(m => m.Finals.Select(f => new[]
        {
            m.Metric.Name, f.Variant, f.Runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(';', f.Runs.Select(r => r.Run.SeedText)), string.Join(';', f.Values.Select(Formats.Cell)),
            Formats.Cell(f.Mean), Formats.Cell(f.Iqm.Value), Formats.Cell(f.Iqm.Low), Formats.Cell(f.Iqm.High), Formats.Cell(f.Median),
            Formats.Cell(f.Min), Formats.Cell(f.Max), analysis.Options.X.Name(), Formats.Cell(f.FinalXMin), Formats.Cell(f.FinalXMax),
        }));
        WriteCsv(Path.Combine(directory, Csv), SummaryColumns, rows);
        var pairs = analysis.Metrics.SelectMany(m =>
        {
            var p = m.Improvement;
            return from i in Enumerable.Range(0, m.Finals.Count)
                   from j in Enumerable.Range(0, m.Finals.Count)
                   where i != j
                   select new[] { m.Metric.Name, m.Finals[i].Variant, m.Finals[j].Variant, Formats.Cell(p[i, j]) };
        });
        WriteCsv(Path.Combine(directory, ImprovementCsv), ImprovementColumns, pairs);
        return markdown;
    }

    public static string MarkdownText(AnalysisResult analysis)
    {
        var s = new StringBuilder();
        s.AppendLine($"# {analysis.ExperimentName}: summary");
        s.AppendLine();
        foreach (var m in analysis.Metrics)
        {
            s.AppendLine($"## {SummaryTables.Heading(m, analysis.Options)}");
            s.AppendLine();
            if (m.Finals.Count == 0) s.AppendLine("No run has this metric.");
            else
            {
                s.AppendLine(SummaryTables.Final(m, analysis.Options));
                if (SummaryTables.Improvement(m) is { Length: > 0 } improvement) s.AppendLine(improvement);
            }
            if (SummaryTables.Notes(m) is { Length: > 0 } notes) s.AppendLine(notes);
        }
        return s.ToString();
    }

    private static void WriteCsv(string path, (string Column, string Unit, string Meaning)[] columns, IEnumerable<string[]> rows)
    {
        var s = new StringBuilder();
        s.Append(string.Join(',', columns.Select(c => c.Column))).Append('\n');
        foreach (var row in rows) s.Append(string.Join(',', row.Select(Quote))).Append('\n');
        File.WriteAllText(path, s.ToString());
        var sidecar = new StringBuilder("column,unit,meaning\n");
        foreach (var c in columns) sidecar.Append($"{Quote(c.Column)},{Quote(c.Unit)},{Quote(c.Meaning)}\n");
        File.WriteAllText(Path.ChangeExtension(path, ".columns.csv"), sidecar.ToString());
    }

    /// <summary>RFC 4180: a field with a comma, quote or newline is quoted (variant names and meanings are free text).</summary>
    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
