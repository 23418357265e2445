namespace RL.Analysis;

/// <summary>Axis labels with the units the runs' sidecars give.</summary>
public static class AxisLabels
{
    private const string OtherEnvs = "; other envs: ";

    public static string Y(Metric metric, string? unit, IEnumerable<RunRecord> runs)
    {
        string? u = Unit(unit, runs);
        string name = metric.Kind switch
        {
            MetricKind.Score => "training score",
            MetricKind.Eval => "evaluation score",
            _ => metric.Name,
        };
        return u is null || u.Length == 0 ? name : $"{name} ({u})";
    }

    /// <summary>The sidecar's unit as the runs' envs read it; null when no sidecar gives one.</summary>
    public static string? Unit(string? unit, IEnumerable<RunRecord> runs) => unit is null ? null : ForEnvs(unit, runs);

    public static string X(XAxis axis, string? unit) => axis.Label(unit);

    /// <summary>
    /// The sidecars give the score's unit for every env at once ("m (Learning to Run); other envs: their task
    /// reward"); a figure of Learning-to-Run runs says metres, one of other envs says task reward, mixed runs keep both.
    /// </summary>
    private static string ForEnvs(string unit, IEnumerable<RunRecord> runs)
    {
        int split = unit.IndexOf(OtherEnvs, StringComparison.Ordinal);
        if (split < 0) return unit;
        var envs = runs.Select(r => r.Config.GetValueOrDefault("env.id")).Distinct().ToArray();
        string l2r = unit[..split], other = unit[(split + OtherEnvs.Length)..];
        int paren = l2r.IndexOf(" (", StringComparison.Ordinal);
        if (envs.All(e => e == "L2R")) return paren < 0 ? l2r : l2r[..paren];
        if (envs.All(e => e != "L2R")) return other.StartsWith("their ", StringComparison.Ordinal) ? other["their ".Length..] : other;
        return unit;
    }
}
