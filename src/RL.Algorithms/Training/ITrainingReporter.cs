namespace RL.Algorithms.Training;

/// <summary>
/// A moment of a run, for the console (a live display on a terminal, log lines otherwise). Issue 11: everything a user
/// needs to judge a run while it trains, each with its unit: decisions are agent steps (one decision = frame_skip
/// simulator steps), scores are the env's (L2R: metres the pelvis moved forward).
/// </summary>
public sealed record ProgressSnapshot(
    string Run,
    long Decisions,
    long Updates,
    double WallSeconds,
    BudgetProgress Budget,
    double DecisionsPerSecond,
    double SimulatorStepsPerSecond,
    double UpdatesPerSecond,
    double LearnerIdleFraction,
    long Episodes,
    int RecentEpisodes,
    double RecentMeanScore,
    double RecentFallRate,
    string ScoreUnit,
    double LastEvaluation,
    long LastEvaluationDecisions,
    long Evaluations,
    long EpisodesDropped,
    long Restarts);

/// <summary>Where a run reports to while it trains.</summary>
public interface ITrainingReporter
{
    void Report(ProgressSnapshot snapshot);

    /// <summary>A notable event: resume, checkpoint, evaluation, worker loss, stop.</summary>
    void Message(string line);
}

/// <summary>Writes messages as plain lines and ignores progress snapshots (tests, nested runs).</summary>
public sealed class LineReporter : ITrainingReporter
{
    private readonly TextWriter _writer;

    public LineReporter(TextWriter writer) => _writer = writer;

    public void Report(ProgressSnapshot snapshot) { }

    public void Message(string line) => _writer.WriteLine(line);
}
