using MathNet.Numerics.Statistics;

namespace RL.Analysis;

/// <summary>
/// A variant's final performance: each run's final value (<see cref="Metric.FinalDescription"/>) and their mean,
/// IQM with its 95 % stratified-bootstrap interval, median and range, and the x at which the runs ended.
/// </summary>
public sealed record VariantFinal(string Variant, IReadOnlyList<RunCurve> Runs, double Mean, Estimate Iqm, double Median, double Min, double Max,
    double FinalXMin, double FinalXMax)
{
    public double[] Values => Runs.Select(r => r.Final).ToArray();

    public static VariantFinal Of(string variant, IReadOnlyList<RunCurve> runs, AnalysisOptions options)
    {
        var values = runs.Select(r => r.Final).ToArray();
        var iqm = SeedStatistics.StratifiedBootstrap([values], SeedStatistics.InterquartileMean, options.Replicates, options.BootstrapSeed);
        return new VariantFinal(variant, runs, SeedStatistics.Mean(values), iqm, values.Median(), values.Min(), values.Max(),
            runs.Min(r => r.FinalX), runs.Max(r => r.FinalX));
    }
}
