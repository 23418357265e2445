using System.Globalization;
using RL.Core.Config;

namespace RL.Cli.Commands;

/// <summary>One option of env.options (and evaluation.options): text in YAML, read and checked by the env itself.</summary>
/// <param name="Key">The option's name under env.options.</param>
/// <param name="Envs">"every env" for the generic options the registry reads, else the env id.</param>
/// <param name="Type">What the value must read as ("whole number", "number", "one of").</param>
/// <param name="Default">Exactly as the env reports it in EnvOptions.Effective when the option is omitted.</param>
/// <param name="Min">Lowest accepted value of a numeric option (null for a text option).</param>
/// <param name="Max">Highest accepted value of a numeric option.</param>
/// <param name="Choices">Accepted values of a text option, with their meanings.</param>
/// <param name="Unit">As <see cref="ConfigDocAttribute.Unit"/>.</param>
/// <param name="Meaning">As <see cref="ConfigDocAttribute.Meaning"/>.</param>
/// <param name="Source">As <see cref="ConfigDocAttribute.Source"/>.</param>
public sealed record EnvOptionDoc(
    string Key,
    string Envs,
    string Type,
    string Default,
    double? Min,
    double? Max,
    IReadOnlyList<(string Name, string? Meaning)> Choices,
    string Unit,
    string Meaning,
    string Source);

/// <summary>
/// The env options as the reference lists them. Env options are a string map that each env reads with its own
/// getters (LearningToRunOptions.From, EnvRegistry, RewardShaping.Register), so no type carries them; this table
/// is their documentation, and EnvOptionReferenceTests builds every registered env to check that its keys,
/// defaults, bounds and choices are exactly what the envs read, so it cannot drift either.
/// </summary>
public static class EnvOptionReference
{
    public const string EveryEnv = "every env";

    public static IReadOnlyList<EnvOptionDoc> All { get; } = new EnvOptionDoc[]
    {
        new("frame_skip", EveryEnv, "whole number", "1", 1, 1000, NoChoices,
            "simulator steps per decision",
            "Frame skip k: each decision holds the action for k simulator steps and returns the sum of their rewards, stopping early when the episode ends; an L2R episode has at most 1000/k decisions. Applied around the env, on its env server.",
            "NNAISENSE (no skip; Reason8 e2ffeaa: 4, its paper and the Run-Skeleton-Run port: 5)"),
        new("shaping", EveryEnv, "one of", "none", null, null, new (string, string?)[]
            {
                ("none", "The env's own reward (L2R: the 2017 reward)."),
                ("ace", "PKU/Megvii's ACE penalties for leaning back and for straight knees, subtracted at every simulator step."),
                ("stelmaszczyk", "Stelmaszczyk and Jarosik's reward: pelvis velocity, an alive bonus, lean and knee penalties, the ligament term."),
            },
            "-",
            "Reward shaping applied at every simulator step, below frame skip; it changes the training reward only, the unshaped 2017 score is logged beside it. Needs the L2R observation names (pelvis_x, head_x, knee_r, knee_l, pelvis_vx).",
            "Reason8 e2ffeaa (no shaping)"),
        new("difficulty", "L2R", "whole number", "2", 0, 2, NoChoices,
            "-",
            "0: no obstacles, full muscle strength; 1: obstacles; 2: obstacles and a weakened psoas on each leg (strength 1 − N(0, 0.1), at least 0.5), the graded setting.",
            "osim-rl 2017 (the graded setting)"),
        new("max_obstacles", "L2R", "whole number", "3", 0, 20, NoChoices,
            "obstacles",
            "Obstacle slots of a course (difficulty ≥ 1): 3 in round 1, 10 in round 2.",
            "osim-rl 2017 round 1 (Reason8 e2ffeaa trained with 10)"),
        new("psoas_left_index", "L2R", "whole number", "11", 11, 12, NoChoices,
            "muscle index",
            "Which muscle difficulty 2 weakens as the \"left psoas\" (observation strength_psoas_l): 11 is glut_max_l, what the 2017 code did; 12 is iliopsoas_l, its apparent intent.",
            "osim-rl v1.5 run.py (MUSCLES_PSOAS_L = 11)"),
        new("obstacle_radius", "L2R", "one of", "documented", null, null, new (string, string?)[]
            {
                ("documented", "An obstacle collides with the radius its observation reports."),
                ("legacy", "Every obstacle collides as a 0.1 m sphere, whatever radius is reported: what the 2017 runtime probably did (inferred from its source, not confirmed)."),
            },
            "-",
            "Collision geometry of obstacles.",
            "ours: the 2017 runtime's frozen radius is inferred, not certain"),
        new("substep", "L2R", "number", "0.001", 1e-5, 0.01, NoChoices,
            "seconds",
            "Physics substep; it must divide the 0.01 s simulator step into whole substeps.",
            "ours: resolves the foot contact and ligament damping with margin (tests compare it with 0.5 ms)"),
        new("physics", "L2R", "one of", "faithful", null, null, new (string, string?)[]
            {
                ("faithful", "The 2017 model: Thelen 2003 muscles, Hunt–Crossley contact, ligaments."),
            },
            "-",
            "Which physics model runs (one is built).",
            "ours: the only model built"),
        new("engine", "L2R", "one of", "planar", null, null, new (string, string?)[]
            {
                ("planar", "Planar composite-rigid-body and Newton–Euler algorithms in C# (the same numbers to rounding, faster)."),
                ("mujoco", "MuJoCo's mj_step1 and mj_step2: the reference the planar engine is checked against."),
            },
            "-",
            "Who computes the skeleton's rigid-body dynamics (poses, inertia, bias forces) and integrates it each substep.",
            "ours (issue 15): Featherstone 2008 §2.16, §5.3, §6.2 in 3-component planar vectors"),
    };

    private static (string, string?)[] NoChoices => Array.Empty<(string, string?)>();

    /// <summary>The options as reference entries under <paramref name="section"/> (e.g. "env.options").</summary>
    public static IEnumerable<ConfigKeyDoc> AsKeys(string section) => All.Select(o => new ConfigKeyDoc(
        $"{section}.{o.Key}",
        o.Type,
        o.Default,
        o.Unit,
        o.Min is double min && o.Max is double max ? $"[{Number(min)}, {Number(max)}]" : null,
        o.Choices,
        o.Envs == EveryEnv ? o.Meaning : $"({o.Envs} only) {o.Meaning}",
        o.Source,
        IsSection: false));

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
