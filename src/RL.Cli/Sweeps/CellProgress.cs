using RL.Analysis;

namespace RL.Cli.Sweeps;

/// <summary>How far a cell's run has got and its latest evaluation, read from its CSV files (the trainer may be writing them).</summary>
public sealed record CellProgress(long EnvSteps, double WallSeconds, double? LastEvaluation, long? LastEvaluationSteps)
{
    public static readonly CellProgress None = new(0, 0, null, null);

    public static CellProgress Read(string runDirectory)
    {
        long steps = 0;
        double wall = 0;
        double? eval = null;
        long? evalSteps = null;
        try
        {
            string progress = Path.Combine(runDirectory, "progress.csv");
            if (File.Exists(progress))
            {
                var csv = RunCsv.Read(progress);
                if (csv.Count > 0 && csv.Has("time/env_steps"))
                {
                    steps = (long)(csv.Numbers("time/env_steps")[^1] ?? 0);
                    if (csv.Has("time/wall_s")) wall = csv.Numbers("time/wall_s")[^1] ?? 0;
                }
            }
            string evaluations = Path.Combine(runDirectory, "evaluations.csv");
            if (File.Exists(evaluations))
            {
                var csv = RunCsv.Read(evaluations);
                if (csv.Count > 0 && csv.Has("env_steps") && csv.Has("score"))
                {
                    // The latest evaluation is the rows at the largest env_steps of the trainer's own evaluations.
                    var at = csv.Numbers("env_steps");
                    var score = csv.Numbers("score");
                    var source = csv.Has("source") ? csv.Texts("source") : null;
                    double last = double.NegativeInfinity;
                    for (int i = 0; i < csv.Count; i++)
                        if (at[i] is double a && (source is null || source[i] == "train")) last = Math.Max(last, a);
                    var scores = new List<double>();
                    for (int i = 0; i < csv.Count; i++)
                        if (at[i] == last && score[i] is double s && (source is null || source[i] == "train")) scores.Add(s);
                    if (scores.Count > 0)
                    {
                        eval = scores.Average();
                        evalSteps = (long)last;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // A file being replaced or a run started by an older version: the view shows what it could read.
        }
        return new CellProgress(Math.Max(steps, evalSteps ?? 0), wall, eval, evalSteps);
    }
}
