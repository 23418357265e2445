namespace RL.Analysis;

/// <summary>
/// Reads runs' curves of a metric from their CSV files (docs/run-directory.md). Each file is read once per analysis
/// however many metrics use it, and its torn or malformed lines are collected once, with file:line, in
/// <see cref="SkippedLines"/>. A run that cannot give the metric gets the reason instead of a curve.
/// </summary>
public sealed class CurveReader(int window)
{
    /// <summary>
    /// Episodes that ended without a real end (their server was lost, or a non-finite observation dropped the step)
    /// have a partial score; the trainer drops them too (TrainingSession: never learned from, not counted in progress.csv).
    /// </summary>
    private static readonly HashSet<string> DroppedEnds = new(StringComparer.Ordinal) { "server_lost", "nonfinite_obs" };

    private readonly Dictionary<string, RunCsv> _files = new(StringComparer.Ordinal);
    private readonly List<string> _skippedLines = [];

    public int Window { get; } = window >= 1 ? window : throw new ArgumentOutOfRangeException(nameof(window), "the window needs at least one episode.");

    public IReadOnlyList<string> SkippedLines => _skippedLines;

    /// <summary>The run's curve of <paramref name="metric"/> against <paramref name="axis"/>, or null with <paramref name="whyNot"/>.</summary>
    public RunCurve? Read(RunRecord run, Metric metric, XAxis axis, out string? whyNot)
    {
        try
        {
            return metric.Kind switch
            {
                MetricKind.Score => Score(run, axis, out whyNot),
                MetricKind.Eval => Evaluations(run, axis, out whyNot),
                _ => Progress(run, metric.Name, axis, out whyNot),
            };
        }
        catch (InvalidDataException e)
        {
            whyNot = $"unreadable: {e.Message}";
            return null;
        }
    }

    /// <summary>The progress.csv columns of the run (empty when it has none or it cannot be read).</summary>
    public IReadOnlyList<string> ProgressColumns(RunRecord run)
    {
        try
        {
            return run.Progress is null ? Array.Empty<string>() : File(run.Progress).Header;
        }
        catch (InvalidDataException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>The unit of the metric's values and of the x axis, from the first run's sidecars that list them.</summary>
    public static (string? Y, string? X) Units(IEnumerable<RunRecord> runs, Metric metric, XAxis axis)
    {
        string? y = null, x = null;
        foreach (var run in runs)
        {
            string? file = metric.Kind switch { MetricKind.Score => run.Episodes, MetricKind.Eval => run.Evaluations, _ => run.Progress };
            if (file is null) continue;
            var sidecar = ColumnSidecar.For(file);
            y ??= sidecar.Unit(metric.Kind == MetricKind.Progress ? metric.Name : "score");
            x ??= sidecar.Unit(axis.Column(metric.Kind == MetricKind.Progress));
            if (y is not null && x is not null) break;
        }
        return (y, x);
    }

    private RunCsv File(string path)
    {
        if (_files.TryGetValue(path, out var csv)) return csv;
        csv = RunCsv.Read(path);
        _files[path] = csv;
        _skippedLines.AddRange(csv.Skipped.Select(s => $"{s} (line skipped)"));
        return csv;
    }

    /// <summary>Training episodes' 2017 score, each point the mean of the last <see cref="Window"/> episodes ended by then (fewer at the start).</summary>
    private RunCurve? Score(RunRecord run, XAxis axis, out string? whyNot)
    {
        if (run.Episodes is null) return Missing(RunRecord.EpisodesFile, out whyNot);
        var csv = File(run.Episodes);
        var x = csv.Numbers(axis.Column(progress: false));
        var score = csv.Numbers("score");
        var ends = csv.Has("end_reason") ? csv.Texts("end_reason") : null;
        var xs = new List<double>();
        var ys = new List<double>();
        var last = new Queue<double>();
        double sum = 0;
        for (int i = 0; i < csv.Count; i++)
        {
            if (x[i] is not double xi || score[i] is not double s || !double.IsFinite(s) || (ends is not null && DroppedEnds.Contains(ends[i]))) continue;
            last.Enqueue(s);
            sum += s;
            if (last.Count > Window) sum -= last.Dequeue();
            xs.Add(xi * axis.Scale());
            ys.Add(sum / last.Count);
        }
        return Curve(run, xs, ys, "no finished training episode in episodes.csv yet", out whyNot);
    }

    /// <summary>One point per scheduled evaluation (source train): the mean score of its episodes, at the counters of the evaluated policy.</summary>
    private RunCurve? Evaluations(RunRecord run, XAxis axis, out string? whyNot)
    {
        if (run.Evaluations is null) return Missing(RunRecord.EvaluationsFile, out whyNot);
        var csv = File(run.Evaluations);
        var steps = csv.Numbers("env_steps");
        var x = csv.Numbers(axis.Column(progress: false));
        var score = csv.Numbers("score");
        var episode = csv.Has("episode") ? csv.Numbers("episode") : null;
        var source = csv.Has("source") ? csv.Texts("source") : null;
        var xs = new List<double>();
        var ys = new List<double>();
        double sum = 0;
        int n = 0;
        double? groupSteps = null, previousEpisode = null;
        for (int i = 0; i < csv.Count; i++)
        {
            if ((source is not null && source[i] != "train") || score[i] is not double s || x[i] is not double xi) continue;
            // An evaluation is the run of rows at one decision count, its episodes numbered from 0; a new count or a
            // restart of the numbering (two evaluations at one count, e.g. around a resume) starts the next one.
            double? e = episode?[i];
            if (groupSteps != steps[i] || (e is not null && previousEpisode is not null && e <= previousEpisode))
            {
                if (n > 0) ys.Add(sum / n);
                xs.Add(xi * axis.Scale());
                sum = 0;
                n = 0;
                groupSteps = steps[i];
            }
            previousEpisode = e;
            sum += s;
            n++;
        }
        if (n > 0) ys.Add(sum / n);
        return Curve(run, xs, ys, "no evaluation in evaluations.csv yet", out whyNot);
    }

    private RunCurve? Progress(RunRecord run, string column, XAxis axis, out string? whyNot)
    {
        if (run.Progress is null) return Missing(RunRecord.ProgressFile, out whyNot);
        var csv = File(run.Progress);
        if (!csv.Has(column))
        {
            whyNot = $"its {RunRecord.ProgressFile} has no column {column}";
            return null;
        }
        var x = csv.Numbers(axis.Column(progress: true));
        var y = csv.Numbers(column);
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < csv.Count; i++)
        {
            // An empty cell is "no value" (warm-up, a switch that is off); NaN cannot be drawn or interpolated.
            if (x[i] is not double xi || y[i] is not double yi || !double.IsFinite(yi)) continue;
            xs.Add(xi * axis.Scale());
            ys.Add(yi);
        }
        return Curve(run, xs, ys, $"no value of {column} in {RunRecord.ProgressFile} yet", out whyNot);
    }

    private static RunCurve? Missing(string file, out string? whyNot)
    {
        whyNot = $"no {file}";
        return null;
    }

    /// <summary>The points sorted by x (stable: rows at one x keep their order), the final value the last point's.</summary>
    private static RunCurve? Curve(RunRecord run, List<double> xs, List<double> ys, string empty, out string? whyNot)
    {
        if (xs.Count == 0)
        {
            whyNot = empty;
            return null;
        }
        whyNot = null;
        var order = Enumerable.Range(0, xs.Count).OrderBy(i => xs[i]).ToArray();
        var x = order.Select(i => xs[i]).ToArray();
        var y = order.Select(i => ys[i]).ToArray();
        return new RunCurve(run, x, y, y[^1], x[^1]);
    }
}
