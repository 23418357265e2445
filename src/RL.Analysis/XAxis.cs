namespace RL.Analysis;

/// <summary>What learning curves are plotted against: decisions (env steps), learner updates, or wall-clock hours.</summary>
public enum XAxis
{
    EnvSteps,
    Updates,
    Hours,
}

public static class XAxes
{
    private static readonly string[] _names = ["env_steps", "updates", "hours"];

    public static IReadOnlyList<string> Names => _names;

    public static string Name(this XAxis axis) => _names[(int)axis];

    public static XAxis? Parse(string text) => Array.IndexOf(_names, text) is var i and >= 0 ? (XAxis)i : null;

    /// <summary>
    /// The counter's column: episodes.csv and evaluations.csv name it bare, progress.csv under time/ (the TensorBoard
    /// tag convention). Hours come from wall_s, the run's training seconds summed over its processes, so the time a
    /// run sat stopped between a stop and a resume does not stretch its curve.
    /// </summary>
    public static string Column(this XAxis axis, bool progress)
    {
        string bare = axis switch { XAxis.EnvSteps => "env_steps", XAxis.Updates => "updates", _ => "wall_s" };
        return progress ? "time/" + bare : bare;
    }

    public static double Scale(this XAxis axis) => axis == XAxis.Hours ? 1 / 3600.0 : 1;

    /// <summary>The axis label: what is counted and its unit from the sidecar ("decisions": agent steps summed over envs, not simulator steps).</summary>
    public static string Label(this XAxis axis, string? unit) => axis switch
    {
        XAxis.EnvSteps => $"env steps ({unit ?? "decisions"}, all envs)",
        XAxis.Updates => "learner updates",
        _ => "training time (h)",
    };
}
