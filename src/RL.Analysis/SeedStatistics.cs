using MathNet.Numerics.Random;
using MathNet.Numerics.Statistics;

namespace RL.Analysis;

/// <summary>An estimate with its 95 % confidence interval.</summary>
public readonly record struct Estimate(double Value, double Low, double High, int Runs);

/// <summary>
/// Aggregates of a metric over runs (seeds), as Agarwal et al. 2021 ("Deep RL at the edge of the statistical
/// precipice", the rliable library) recommend for few-run RL results: the interquartile mean (the mean of the middle
/// 50 %, robust to one lucky or failed seed), percentile confidence intervals from a bootstrap that resamples runs
/// within each task (stratified: tasks are never mixed), and the probability that one variant beats another.
/// Quantiles and means are MathNet.Numerics'; resampling uses a seeded generator, so a report is reproducible.
/// </summary>
public static class SeedStatistics
{
    /// <summary>The mean of the values between the 25th and 75th percentiles, with fractional weights at the cut points (rliable's trimmed-mean definition over n values).</summary>
    public static double InterquartileMean(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values.", nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        // The middle 50 % of the mass of n equally weighted points, [n/4, 3n/4): whole points inside, fractions at the edges.
        double lo = n / 4.0, hi = 3 * n / 4.0, sum = 0;
        for (int i = 0; i < n; i++)
        {
            double weight = Math.Max(0, Math.Min(i + 1, hi) - Math.Max(i, lo));
            sum += weight * sorted[i];
        }
        return sum / (hi - lo);
    }

    public static double Mean(IReadOnlyList<double> values) => values.Mean();

    /// <summary>
    /// A 95 % percentile-bootstrap interval of <paramref name="statistic"/> over <paramref name="tasks"/> (each the
    /// scores of its runs): every replicate resamples each task's runs with replacement, on its own, and applies the
    /// statistic to the pooled resample.
    /// </summary>
    public static Estimate StratifiedBootstrap(IReadOnlyList<IReadOnlyList<double>> tasks, Func<IReadOnlyList<double>, double> statistic,
        int replicates = 2000, int seed = 0)
    {
        if (tasks.Count == 0 || tasks.Any(t => t.Count == 0)) throw new ArgumentException("every task needs at least one run.", nameof(tasks));
        var pooled = tasks.SelectMany(t => t).ToArray();
        double point = statistic(pooled);
        var random = new Xoshiro256StarStar(seed);
        var sample = new double[pooled.Length];
        var estimates = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            int k = 0;
            foreach (var task in tasks)
                for (int j = 0; j < task.Count; j++) sample[k++] = task[random.Next(task.Count)];
            estimates[r] = statistic(sample);
        }
        return new Estimate(point, estimates.Quantile(0.025), estimates.Quantile(0.975), pooled.Length);
    }

    /// <summary>P(X &gt; Y) + ½·P(X = Y) for a run X of one variant and a run Y of another (the Mann-Whitney U statistic over all pairs).</summary>
    public static double ProbabilityOfImprovement(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count == 0 || y.Count == 0) throw new ArgumentException("both variants need at least one run.");
        double wins = 0;
        foreach (double a in x)
            foreach (double b in y)
                wins += a > b ? 1 : a == b ? 0.5 : 0;
        return wins / (x.Count * (double)y.Count);
    }
}
