using System.Globalization;

namespace RL.Envs;

/// <summary>
/// The env options every env takes from the registry rather than from its own factory. One definition serves the
/// registry that applies them and the run config that checks them when it loads, so a bad value is reported under
/// its own key (env.options.frame_skip) before anything starts (issue 16).
/// </summary>
public static class GenericEnvOptions
{
    /// <summary>Action repeat: each decision holds the action for this many env steps, summing rewards.</summary>
    public const string FrameSkip = "frame_skip";
    public const int MaxFrameSkip = 1000;

    /// <summary>Why <paramref name="options"/>' frame_skip is unusable, or null when it is absent or a whole number in [1, 1000].</summary>
    public static string? FrameSkipProblem(IReadOnlyDictionary<string, string> options)
    {
        if (!options.TryGetValue(FrameSkip, out string? text)) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k))
            return $"'{text}' is not a whole number.";
        return k is < 1 or > MaxFrameSkip ? $"{k} is outside [1, {MaxFrameSkip}]." : null;
    }
}
