namespace RL.Analysis;

/// <summary>
/// A variant's learning curve over its seeds: at each grid x the centre (IQM or mean of the runs' interpolated
/// values) and its 95 % stratified-bootstrap interval, and how many runs each point has.
/// </summary>
public sealed record VariantCurve(string Variant, double[] X, double[] Centre, double[] Low, double[] High, int[] Runs, int RunCount)
{
    /// <summary>
    /// Aggregates <paramref name="curves"/> (the variant's runs) on <paramref name="grid"/>. Every point's bootstrap
    /// uses the same seed, so with all runs present each replicate picks the same runs at every x: the band is
    /// made of resampled whole curves, as in rliable's sample-efficiency curves (Agarwal et al. 2021), whose
    /// bootstrap draws runs once per replicate and computes the IQM at every frame.
    /// </summary>
    public static VariantCurve Aggregate(string variant, IReadOnlyList<RunCurve> curves, double[] grid, AnalysisOptions options)
    {
        var onGrid = curves.Select(c => CurveGrid.Smooth(CurveGrid.OnGrid(c, grid), options.Smooth)).ToArray();
        int n = grid.Length;
        double[] centre = new double[n], low = new double[n], high = new double[n];
        var runs = new int[n];
        for (int i = 0; i < n; i++)
        {
            var values = onGrid.Select(v => v[i]).Where(double.IsFinite).ToArray();
            runs[i] = values.Length;
            if (values.Length == 0)
            {
                centre[i] = low[i] = high[i] = double.NaN;
                continue;
            }
            var e = SeedStatistics.StratifiedBootstrap([values], options.Centre, options.Replicates, options.BootstrapSeed);
            (centre[i], low[i], high[i]) = (e.Value, e.Low, e.High);
        }
        return new VariantCurve(variant, grid, centre, low, high, runs, curves.Count);
    }
}
