namespace RL.Analysis;

/// <summary>
/// Everything one metric's figure and tables show: the variants' curves and final values, the probability of
/// improvement between every pair of variants, labels with units, and why runs were left out of this metric.
/// </summary>
public sealed record MetricResult(Metric Metric, string Title, string XLabel, string YLabel, string? YUnit, IReadOnlyList<VariantCurve> Curves,
    IReadOnlyList<VariantFinal> Finals, IReadOnlyList<string> Skipped, IReadOnlyList<string> Notes)
{
    /// <summary>P(a run of row i's variant ends higher than a run of column j's), on the final values (Agarwal et al. 2021).</summary>
    public double[,] Improvement
    {
        get
        {
            int n = Finals.Count;
            var p = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    p[i, j] = SeedStatistics.ProbabilityOfImprovement(Finals[i].Values, Finals[j].Values);
            return p;
        }
    }
}
