using RL.Analysis;

namespace RL.Analysis.Tests;

/// <summary>Issue 13's aggregates over seeds, against hand-computed values.</summary>
public class SeedStatisticsTests
{
    [Test]
    public void TheInterquartileMeanIsTheMeanOfTheMiddleHalf()
    {
        // 8 values: the middle half is the 3rd to 6th smallest.
        Assert.That(SeedStatistics.InterquartileMean(new double[] { 100, 1, 2, 3, 4, 5, 6, -100 }), Is.EqualTo((2 + 3 + 4 + 5) / 4.0).Within(1e-12));
        // 3 values: the middle half [0.75, 2.25) weighs the smallest 0.25, the middle 1, the largest 0.25.
        Assert.That(SeedStatistics.InterquartileMean(new double[] { 0, 10, 100 }), Is.EqualTo((0.25 * 0 + 10 + 0.25 * 100) / 1.5).Within(1e-12));
        Assert.That(SeedStatistics.InterquartileMean(new double[] { 7 }), Is.EqualTo(7));
    }

    [Test]
    public void TheBootstrapIntervalHoldsThePointEstimateAndNarrowsWithMoreRuns()
    {
        var random = new Random(1);
        double[] Runs(int n) => Enumerable.Range(0, n).Select(_ => 20 + 5 * (random.NextDouble() - 0.5)).ToArray();
        var few = SeedStatistics.StratifiedBootstrap(new[] { Runs(5) }, SeedStatistics.Mean, seed: 3);
        var many = SeedStatistics.StratifiedBootstrap(new[] { Runs(200) }, SeedStatistics.Mean, seed: 3);
        Assert.That(few.Value, Is.InRange(few.Low, few.High));
        Assert.That(many.Value, Is.InRange(many.Low, many.High));
        Assert.That(many.High - many.Low, Is.LessThan((few.High - few.Low) / 3), "200 runs pin the mean down far better than 5");
        Assert.That(many.Value, Is.EqualTo(20).Within(0.5), "the runs are uniform on 20 ± 2.5");
        var data = new[] { new double[] { 1, 2, 3, 4 } };
        var first = SeedStatistics.StratifiedBootstrap(data, SeedStatistics.Mean, seed: 9);
        var second = SeedStatistics.StratifiedBootstrap(data, SeedStatistics.Mean, seed: 9);
        Assert.That(second, Is.EqualTo(first), "a seed fixes the interval");
    }

    [Test]
    public void TheBootstrapNeverMixesTasks()
    {
        // Two tasks of very different scale: a stratified resample always takes 2 runs from each, so the pooled mean
        // stays within [(0 + 0 + 100 + 100) / 4, (1 + 1 + 101 + 101) / 4] = [50, 51]; mixing tasks would leave it.
        var tasks = new[] { new double[] { 0, 1 }, new double[] { 100, 101 } };
        var e = SeedStatistics.StratifiedBootstrap(tasks, SeedStatistics.Mean, replicates: 500, seed: 1);
        Assert.That(e.Low, Is.GreaterThanOrEqualTo(50));
        Assert.That(e.High, Is.LessThanOrEqualTo(51));
        Assert.That(e.Runs, Is.EqualTo(4));
    }

    [Test]
    public void TheBootstrapIntervalIsThePercentilesOfResampledStatisticsComputedByHand()
    {
        // Reference: the same generator draws each task's runs with replacement, task by task; the interval's ends are
        // the 2.5th and 97.5th percentiles of the replicates by the R-8 rule (Hyndman and Fan 1996, MathNet's
        // Quantile): h = (N + 1/3) p + 1/3, linear between the order statistics around h (1-based).
        var tasks = new[] { new double[] { 3, 9, 1, 14, 6 }, new double[] { 20, 22 } };
        const int replicates = 500, seed = 11;
        var e = SeedStatistics.StratifiedBootstrap(tasks, SeedStatistics.InterquartileMean, replicates, seed);
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var statistics = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            var sample = tasks.SelectMany(t => Enumerable.Range(0, t.Length).Select(_ => t[random.Next(t.Length)]).ToArray()).ToArray();
            statistics[r] = SeedStatistics.InterquartileMean(sample);
        }
        Array.Sort(statistics);
        double Percentile(double p)
        {
            double h = (replicates + 1 / 3.0) * p + 1 / 3.0;
            int k = (int)Math.Floor(h);
            return statistics[k - 1] + (h - k) * (statistics[k] - statistics[k - 1]);
        }
        Assert.That(e.Value, Is.EqualTo(SeedStatistics.InterquartileMean(tasks.SelectMany(t => t).ToArray())).Within(1e-12));
        Assert.That(e.Low, Is.EqualTo(Percentile(0.025)).Within(1e-9));
        Assert.That(e.High, Is.EqualTo(Percentile(0.975)).Within(1e-9));
        Assert.That(e.Low, Is.LessThan(e.High));
    }

    [Test]
    public void TheBootstrapIntervalOfTwoRunsSpansTheirValues()
    {
        // Runs 0 and 1: a resample's mean is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4, so with 2000 replicates
        // about 500 are 0 and 500 are 1; the 2.5th and 97.5th percentiles are then exactly 0 and 1.
        var e = SeedStatistics.StratifiedBootstrap(new[] { new double[] { 0, 1 } }, SeedStatistics.Mean, seed: 5);
        Assert.That((e.Value, e.Low, e.High), Is.EqualTo((0.5, 0.0, 1.0)));
    }

    [Test]
    public void ProbabilityOfImprovementCountsPairsAndTiesHalf()
    {
        Assert.That(SeedStatistics.ProbabilityOfImprovement(new double[] { 3, 4 }, new double[] { 1, 2 }), Is.EqualTo(1));
        Assert.That(SeedStatistics.ProbabilityOfImprovement(new double[] { 1, 2 }, new double[] { 3, 4 }), Is.EqualTo(0));
        Assert.That(SeedStatistics.ProbabilityOfImprovement(new double[] { 2, 5 }, new double[] { 2, 4 }), Is.EqualTo((0.5 + 0 + 1 + 1) / 4));
    }
}
