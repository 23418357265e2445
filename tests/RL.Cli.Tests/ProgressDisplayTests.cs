using RL.Algorithms.Training;
using RL.Cli.Reporting;

namespace RL.Cli.Tests;

/// <summary>The console says what a run is doing, with units, the same on a terminal and in log lines (issue 11).</summary>
public class ProgressDisplayTests
{
    private static ProgressSnapshot Snapshot(long evaluations = 2) => new(
        Run: "ddpg-l2r-default-seed1", Decisions: 300_000, Updates: 72_500, WallSeconds: 600,
        Budget: BudgetProgress.Of(300_000, 1_200_000, 72_500, 0, 600, 0, 500, 125),
        DecisionsPerSecond: 510, SimulatorStepsPerSecond: 2040, UpdatesPerSecond: 127, LearnerIdleFraction: 0.09,
        Episodes: 4_321, RecentEpisodes: 100, RecentMeanScore: 2.345, RecentFallRate: 0.97, ScoreUnit: " m",
        LastEvaluation: 3.79, LastEvaluationDecisions: 300_000, Evaluations: evaluations, EpisodesDropped: 1, Restarts: 2);

    [Test]
    public void TheLogLineHasBudgetEtaRatesScoresEvaluationsAndHealth()
    {
        string line = ProgressText.Line(Snapshot());
        Assert.That(line, Does.Contain("25 % of 1.2 M decisions").And.Contain("elapsed 00:10:00").And.Contain("ETA 00:30:00"));
        Assert.That(line, Does.Contain("300,000 decisions (510/s = 2,040 simulator steps/s)").And.Contain("72,500 updates (127/s)"));
        Assert.That(line, Does.Contain("learner waiting for data 9 % of the time"));
        Assert.That(line, Does.Contain("4,321 episodes").And.Contain("last 100: mean score 2.35 m, falls 97 %"));
        Assert.That(line, Does.Contain("last evaluation 3.79 m at 300,000 decisions (2 so far)"));
        Assert.That(line, Does.Contain("env server restarts 2").And.Contain("dropped episodes 1"));
        Assert.That(ProgressText.Line(Snapshot(evaluations: 0)), Does.Contain("no evaluation yet"));
    }

    [Test]
    public void TheRunEndsAtTheFirstBudgetReached()
    {
        // 1 h of 2 h done and 100 k of 400 k decisions at 50/s: the decisions would take 6000 s, the hours end in 3600 s.
        var p = BudgetProgress.Of(100_000, 400_000, 0, 0, 3600, 7200, 50, 0);
        Assert.That(p.Fraction, Is.EqualTo(0.5));
        Assert.That(p.EtaSeconds, Is.EqualTo(3600));
        Assert.That(p.Budget, Is.EqualTo("400 k decisions or 2 h"));
        Assert.That(BudgetProgress.Of(10, 1000, 0, 0, 5, 0, double.NaN, 0).EtaSeconds, Is.NaN, "no rate yet, no ETA");
        Assert.That(BudgetProgress.Of(10, 1000, 0, 0, 5, 0, double.NaN, 0).Fraction, Is.EqualTo(0.01));
    }

    [Test]
    public void TheRecentWindowIsTheLast100EpisodesAsInEpisodesCsv()
    {
        var recent = new RecentEpisodes(100);
        Assert.That(recent.MeanScore, Is.NaN);
        for (int i = 0; i < 150; i++) recent.Add(score: i, fell: i % 2 == 0);
        Assert.That(recent.Count, Is.EqualTo(100));
        Assert.That(recent.MeanScore, Is.EqualTo(Enumerable.Range(50, 100).Average()));
        Assert.That(recent.FallRate, Is.EqualTo(0.5));
    }
}
