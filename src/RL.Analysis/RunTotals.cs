namespace RL.Analysis;

/// <summary>
/// How far a run got: its decisions, updates and training seconds, the largest of the last values its CSV files
/// logged (progress.csv logs every N updates, so an episode or the final evaluation can come after its last row).
/// </summary>
public sealed record RunTotals(double? EnvSteps, double? Updates, double? WallSeconds)
{
    public static RunTotals Of(RunRecord run)
    {
        double? steps = null, updates = null, wall = null;
        foreach (var (path, progress) in new[] { (run.Progress, true), (run.Episodes, false), (run.Evaluations, false) })
        {
            if (path is null) continue;
            RunCsv csv;
            try
            {
                csv = RunCsv.Read(path);
            }
            catch (InvalidDataException)
            {
                continue; // said where the metric that reads it is analysed
            }
            steps = Max(steps, Last(csv, XAxis.EnvSteps.Column(progress)));
            updates = Max(updates, Last(csv, XAxis.Updates.Column(progress)));
            wall = Max(wall, Last(csv, XAxis.Hours.Column(progress)));
        }
        return new RunTotals(steps, updates, wall);
    }

    private static double? Last(RunCsv csv, string column)
    {
        if (!csv.Has(column)) return null;
        try
        {
            return csv.Numbers(column).LastOrDefault(v => v is not null);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
