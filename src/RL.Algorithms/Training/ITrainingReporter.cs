namespace RL.Algorithms.Training;

/// <summary>A moment of a run, for the console (progress bar on a terminal, log lines otherwise).</summary>
public sealed record ProgressSnapshot(
    string Run,
    long EnvSteps,
    long MaxEnvSteps,
    long Updates,
    double WallSeconds,
    double MaxSeconds,
    double StepsPerSecond,
    double UpdatesPerSecond,
    double LearnerIdleFraction,
    double RecentScore,
    double RecentReturn,
    double LastEvaluation,
    long Episodes,
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
