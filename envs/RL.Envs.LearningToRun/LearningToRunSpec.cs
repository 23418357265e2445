using RL.Envs.LearningToRun.Model;
using RL.Envs.Spaces;

namespace RL.Envs.LearningToRun;

/// <summary>The observation layout of osim-rl v1.5 RunEnv (l2r-environment.md §3.2) and its left/right mirror.</summary>
public static class LearningToRunSpec
{
    public const string Id = "L2R";
    public const int ObservationSize = 41;
    public const int ActionSize = 18;

    /// <summary>
    /// Names of the 41 observation values, in osim-rl's order. All are absolute and in the ground frame except
    /// obstacle_dx (obstacle x relative to the pelvis). Joint order is hip, knee, ankle (the README's "ankle, knee,
    /// hip" is wrong). strength_psoas_l reports muscle psoas_left_index (11 = glut_max_l by default, the 2017 quirk).
    /// </summary>
    public static readonly string[] ObservationNames =
    {
        "pelvis_tilt", "pelvis_x", "pelvis_y", "pelvis_tilt_speed", "pelvis_vx", "pelvis_vy",
        "hip_r", "knee_r", "ankle_r", "hip_l", "knee_l", "ankle_l",
        "hip_r_speed", "knee_r_speed", "ankle_r_speed", "hip_l_speed", "knee_l_speed", "ankle_l_speed",
        "com_x", "com_y", "com_vx", "com_vy",
        "head_x", "head_y", "pelvis_body_x", "pelvis_body_y", "torso_x", "torso_y",
        "toes_l_x", "toes_l_y", "toes_r_x", "toes_r_y", "talus_l_x", "talus_l_y", "talus_r_x", "talus_r_y",
        "strength_psoas_l", "strength_psoas_r", "obstacle_dx", "obstacle_y", "obstacle_r",
    };

    public static readonly string[] ActionNames = Gait9dof18musc.Muscles.Select(m => m.Name).ToArray();

    /// <summary>
    /// Mirror of an observation: right and left joint angles, speeds, toes, tali and psoas strengths swap; pelvis,
    /// torso, head, centre of mass and obstacle stay (the model is planar, so nothing changes sign;
    /// l2r-training-recipes.md §5.3). Under the psoas-index quirk the two strengths belong to different muscles
    /// (glut_max_l vs iliopsoas_r), so their swap is only approximately a symmetry.
    /// </summary>
    public static readonly MirrorMap ObservationMirror = MirrorMap.FromSwaps(ObservationSize, new[]
    {
        (6, 9), (7, 10), (8, 11), (12, 15), (13, 16), (14, 17),
        (28, 30), (29, 31), (32, 34), (33, 35), (36, 37),
    });

    /// <summary>Mirror of an action: right muscle i ↔ left muscle i + 9.</summary>
    public static readonly MirrorMap ActionMirror = MirrorMap.FromSwaps(ActionSize, Enumerable.Range(0, 9).Select(i => (i, i + 9)));

    public static EnvSpec Create(IReadOnlyDictionary<string, string> effectiveOptions) => new()
    {
        Id = Id,
        ObservationSpace = Box.Unbounded(ObservationSize),
        ActionSpace = Box.Uniform(ActionSize, 0, 1),
        ObservationNames = ObservationNames,
        ActionNames = ActionNames,
        ObservationMirror = ObservationMirror,
        ActionMirror = ActionMirror,
        MaxEpisodeSteps = LearningToRunOptions.TimestepLimit,
        Simulator = "gait9dof18musc on MuJoCo (faithful: Thelen2003 muscles, Hunt-Crossley contact, ligaments in C#)",
        SimulatorVersion = $"MuJoCo {RL.MuJoCo.MuJoCoRuntime.VersionString}; osim-rl v1.5 RunEnv semantics",
        Options = effectiveOptions,
    };
}
