using RL.Envs;

namespace RL.Cli.Benchmarks;

/// <summary>
/// The Learning-to-Run observation and action layout (41 named observations, 18 excitations, right leg first),
/// with its left/right mirror maps, for benchmarks that must run before the env itself is part of the build.
/// The names are the env's published ones; the maps pair every _r/_l name and the two legs' muscles.
/// </summary>
public static class LearningToRunShapes
{
    public static readonly string[] ObservationNames =
    {
        "pelvis_tilt", "pelvis_x", "pelvis_y", "pelvis_tilt_speed", "pelvis_vx", "pelvis_vy", "hip_r", "knee_r", "ankle_r",
        "hip_l", "knee_l", "ankle_l", "hip_r_speed", "knee_r_speed", "ankle_r_speed", "hip_l_speed", "knee_l_speed",
        "ankle_l_speed", "com_x", "com_y", "com_vx", "com_vy", "head_x", "head_y", "pelvis_body_x", "pelvis_body_y",
        "torso_x", "torso_y", "toes_l_x", "toes_l_y", "toes_r_x", "toes_r_y", "talus_l_x", "talus_l_y", "talus_r_x",
        "talus_r_y", "strength_psoas_l", "strength_psoas_r", "obstacle_dx", "obstacle_y", "obstacle_r",
    };

    public const int ActionSize = 18;

    public static MirrorMap ObservationMirror()
    {
        var swaps = new List<(int, int)>();
        for (int i = 0; i < ObservationNames.Length; i++)
        {
            string n = ObservationNames[i];
            string? other = n.Contains("_r_") ? n.Replace("_r_", "_l_") : n.EndsWith("_r", StringComparison.Ordinal) ? n[..^2] + "_l" : null;
            // obstacle_r is the obstacle's radius, not a right-side element: pair only names whose mirror exists.
            int j = other is null ? -1 : Array.IndexOf(ObservationNames, other);
            if (j >= 0) swaps.Add((i, j));
        }
        return MirrorMap.FromSwaps(ObservationNames.Length, swaps);
    }

    public static MirrorMap ActionMirror() => MirrorMap.FromSwaps(ActionSize, Enumerable.Range(0, 9).Select(i => (i, i + 9)));
}
