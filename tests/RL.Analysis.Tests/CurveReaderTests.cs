namespace RL.Analysis.Tests;

/// <summary>Issue 13: each metric read from the run directory's files as docs/run-directory.md defines them.</summary>
public class CurveReaderTests
{
    private static RunRecord Record(RunFixture runs, RunSpec spec) => RunScan.Scan(runs.Root).Runs.Single(r => r.Seed == spec.Seed);

    [Test]
    public void TheScoreIsARunningMeanOfTrainingEpisodesWithoutDroppedOnes()
    {
        using var runs = new RunFixture();
        var spec = new RunSpec
        {
            Episodes = [(10, 1, "terminated"), (20, 3, "time_limit"), (25, 1000, "server_lost"), (30, 5, "terminated"), (35, -50, "nonfinite_obs"), (40, 7, "terminated")],
        };
        runs.Run("r-seed1", spec);
        var curve = new CurveReader(window: 2).Read(Record(runs, spec), Metric.Score, XAxis.EnvSteps, out string? why)!;
        Assert.That(why, Is.Null);
        Assert.That(curve.X, Is.EqualTo(new double[] { 10, 20, 30, 40 }), "episodes lost with their server or a non-finite step are not scored");
        Assert.That(curve.Y, Is.EqualTo(new double[] { 1, 2, 4, 6 }), "mean of the last 2 episodes (1 at the first)");
        Assert.That((curve.Final, curve.FinalX), Is.EqualTo((6.0, 40.0)));
        var hours = new CurveReader(2).Read(Record(runs, spec), Metric.Score, XAxis.Hours, out _)!;
        Assert.That(hours.X[^1], Is.EqualTo(40 / 100.0 / 3600).Within(1e-15), "hours from wall_s");
    }

    [Test]
    public void AnEvaluationIsTheMeanOfItsEpisodesAtItsDecisions()
    {
        using var runs = new RunFixture();
        var spec = new RunSpec { Evaluations = [(100, [1, 2, 3]), (200, [10, 20]), (200, [4, 4])] };
        runs.Run("r-seed1", spec);
        var curve = new CurveReader(100).Read(Record(runs, spec), Metric.Eval, XAxis.Updates, out _)!;
        // Two evaluations at one decision count (their numbering restarts at episode 0) stay two evaluations.
        Assert.That(curve.X, Is.EqualTo(new double[] { 25, 50, 50 }), "updates = decisions / 4 in the fixture");
        Assert.That(curve.Y, Is.EqualTo(new double[] { 2, 15, 4 }));
        Assert.That(curve.Final, Is.EqualTo(4), "the last evaluation");
    }

    [Test]
    public void ATornLineIsSkippedAndSaidWithFileAndLineAndEmptyCellsAreNoValues()
    {
        using var runs = new RunFixture();
        var spec = new RunSpec { Progress = [(100, null), (200, 2.5), (300, 1.5)] };
        string dir = runs.Run("r-seed1", spec);
        string progress = Path.Combine(dir, "progress.csv");
        File.AppendAllText(progress, "100,400,1,4,0.");
        var reader = new CurveReader(100);
        var curve = reader.Read(Record(runs, spec), Metric.Parse("losses/critic_loss"), XAxis.EnvSteps, out _)!;
        Assert.That(curve.X, Is.EqualTo(new double[] { 200, 300 }), "the warm-up row has no loss, the torn row is not read");
        Assert.That(reader.SkippedLines, Has.Count.EqualTo(1));
        Assert.That(reader.SkippedLines[0], Does.StartWith($"{progress}:5:").And.Contain("line skipped"));
        Assert.That(reader.Read(Record(runs, spec), Metric.Parse("losses/none"), XAxis.EnvSteps, out string? why), Is.Null);
        Assert.That(why, Is.EqualTo("its progress.csv has no column losses/none"));
        Assert.That(reader.Read(Record(runs, spec), Metric.Eval, XAxis.EnvSteps, out why), Is.Null);
        Assert.That(why, Is.EqualTo("no evaluations.csv"));
    }

    [Test]
    public void UnitsComeFromTheSidecarsAndTheScoreSaysMetresForLearningToRun()
    {
        using var runs = new RunFixture();
        var spec = new RunSpec { Episodes = RunSpec.Scores((10, 1)) };
        runs.Run("r-seed1", spec);
        var record = Record(runs, spec);
        var (y, x) = CurveReader.Units([record], Metric.Score, XAxis.EnvSteps);
        Assert.That((y, x), Is.EqualTo(("m (Learning to Run); other envs: their task reward", "decisions")));
        Assert.That(AxisLabels.Y(Metric.Score, y, [record]), Is.EqualTo("training score (m)"));
        Assert.That(AxisLabels.X(XAxis.EnvSteps, x), Is.EqualTo("env steps (decisions, all envs)"));
    }
}
