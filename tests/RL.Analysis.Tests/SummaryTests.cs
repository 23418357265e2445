using System.Globalization;

namespace RL.Analysis.Tests;

/// <summary>Issue 13: the summary table of final values per variant and the probability of improvement, on known data.</summary>
public class SummaryTests
{
    [Test]
    public void FinalValuesTheirStatisticsAndTheProbabilityOfImprovementMatchHandComputedValues()
    {
        using var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        var analysis = ExperimentAnalysis.Run(RunScan.Scan(runs.Root), new AnalysisOptions { Metrics = [Metric.Eval] });
        var eval = analysis.Metrics.Single();
        var (a, b) = (eval.Finals[0], eval.Finals[1]);
        Assert.That(a.Values, Is.EqualTo(new double[] { 1, 2, 3, 10 }), "each run's last evaluation: the mean of its episodes");
        Assert.That((a.Mean, a.Iqm.Value, a.Median, a.Min, a.Max), Is.EqualTo((4.0, 2.5, 2.5, 1.0, 10.0)));
        // Three runs: the middle half weighs the smallest and the largest a quarter each (rliable's IQM).
        Assert.That(b.Iqm.Value, Is.EqualTo((0.25 * 0 + 2 + 0.25 * 5) / 1.5).Within(1e-12));
        Assert.That(b.Mean, Is.EqualTo(7 / 3.0).Within(1e-12));
        Assert.That((b.Median, b.Runs.Count, b.FinalXMax), Is.EqualTo((2.0, 3, 1000.0)));
        Assert.That(a.Iqm.Low, Is.LessThanOrEqualTo(2.5));
        Assert.That(a.Iqm.High, Is.GreaterThanOrEqualTo(2.5));
        // P(a > b) over the 12 pairs: 1 beats 0 (1); 2 beats 0, ties 2 (1.5); 3 beats 0 and 2 (2); 10 beats all (3).
        Assert.That(eval.Improvement[0, 1], Is.EqualTo(7.5 / 12).Within(1e-12));
        Assert.That(eval.Improvement[1, 0], Is.EqualTo(4.5 / 12).Within(1e-12));
    }

    [Test]
    public void TheSummaryFilesHoldTheSameNumbers()
    {
        using var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        var analysis = ExperimentAnalysis.Run(RunScan.Scan(runs.Root), new AnalysisOptions { Metrics = [Metric.Eval, Metric.Score], Window = 2 });
        string folder = Path.Combine(runs.Root, "plots");
        string markdown = SummaryFiles.Write(analysis, folder);
        var csv = RunCsv.Read(Path.Combine(folder, SummaryFiles.Csv));
        Assert.That(csv.Texts("metric"), Is.EqualTo(new[] { "eval", "eval", "score", "score" }));
        Assert.That(csv.Texts("values")[0], Is.EqualTo("1;2;3;10"));
        Assert.That(csv.Numbers("mean")[0], Is.EqualTo(4));
        Assert.That(csv.Numbers("iqm")[0], Is.EqualTo(2.5));
        // Training score: seed k of a scores k + i in episode i, so its last 2 episodes average k + 9.5; b scores k.
        Assert.That(csv.Texts("values")[2], Is.EqualTo("10.5;11.5;12.5;13.5"));
        Assert.That(csv.Texts("values")[3], Is.EqualTo("1;2;3"));
        var pairs = RunCsv.Read(Path.Combine(folder, SummaryFiles.ImprovementCsv));
        Assert.That(pairs.Texts("a").Zip(pairs.Texts("b"), pairs.Numbers("p_a_over_b")).Take(2),
            Is.EqualTo(new[] { ("a", "b", (double?)(7.5 / 12)), ("b", "a", (double?)(4.5 / 12)) }));
        Assert.That(File.ReadAllText(Path.Combine(folder, "summary.columns.csv")), Does.StartWith("column,unit,meaning\nmetric,text,"));
        Assert.That(markdown, Does.Contain("| a | 4 | 1: 1.00, 2: 2.00, 3: 3.00, 4: 10.00 | 4.00 | 2.50 ["));
        Assert.That(markdown, Does.Contain("P(a > b) = " + (7.5 / 12).ToString("0.00", CultureInfo.InvariantCulture)));
        Assert.That(File.ReadAllText(Path.Combine(folder, SummaryFiles.Markdown)), Is.EqualTo(markdown));
    }

    [Test]
    public void MoreThanTwoVariantsGiveAMatrixAndRunsEndingAtDifferentXAreSaid()
    {
        using var runs = new RunFixture();
        foreach (var (name, end) in new[] { ("x", 100.0), ("y", 100.0), ("z", 100.0) })
            runs.Run($"{name}-seed1", new RunSpec { Name = name, Evaluations = [(50, [1]), (end, [2])] });
        runs.Run("x-seed2", new RunSpec { Name = "x", Seed = 2, Evaluations = [(50, [1]), (80, [2])] });
        var analysis = ExperimentAnalysis.Run(RunScan.Scan(runs.Root), new AnalysisOptions { Metrics = [Metric.Eval] });
        var eval = analysis.Metrics.Single();
        Assert.That(SummaryTables.Improvement(eval), Does.Contain("| P(row > column) | x | y | z |").And.Contain("| y | 0.50 | – | 0.50 |"));
        Assert.That(eval.Notes, Has.One.EqualTo("x: runs stopped at different env_steps (80 to 100); the curve ends at 80, where every run has data (--span longest goes on)"));
        Assert.That(eval.Curves[0].X[^1], Is.EqualTo(80));
    }
}
