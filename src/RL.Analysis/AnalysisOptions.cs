namespace RL.Analysis;

/// <summary>The centre of a learning curve across seeds.</summary>
public enum CentreStatistic
{
    /// <summary>Interquartile mean: robust to one lucky or failed seed (Agarwal et al. 2021).</summary>
    Iqm,
    Mean,
}

/// <summary>How `rl plot` and `rl report` analyse a set of runs; the defaults are the commands'.</summary>
public sealed record AnalysisOptions
{
    public IReadOnlyList<Metric> Metrics { get; init; } = [Metric.Score, Metric.Eval];
    public XAxis X { get; init; } = XAxis.EnvSteps;

    /// <summary>Points of the common x grid each run is interpolated onto.</summary>
    public int Points { get; init; } = 100;

    /// <summary>Training episodes in the running mean of the score curve and in a run's final training score.</summary>
    public int Window { get; init; } = 100;

    /// <summary>Grid points in the trailing moving average of each run's curve (1: none).</summary>
    public int Smooth { get; init; } = 1;

    public CentreStatistic Statistic { get; init; } = CentreStatistic.Iqm;

    /// <summary>Extend each variant's grid to its longest run instead of its shortest (later points then have fewer runs).</summary>
    public bool Longest { get; init; }

    /// <summary>Bootstrap resamples per interval; 2000 as in rliable's examples.</summary>
    public int Replicates { get; init; } = 2000;

    /// <summary>Seed of the bootstrap, so that the same runs give the same bands and intervals every time.</summary>
    public int BootstrapSeed { get; init; }

    public Func<IReadOnlyList<double>, double> Centre => Statistic == CentreStatistic.Iqm ? SeedStatistics.InterquartileMean : SeedStatistics.Mean;

    public string CentreName => Statistic == CentreStatistic.Iqm ? "IQM" : "mean";
}
