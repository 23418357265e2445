using RL.Envs.LearningToRun.Simulation;

namespace RL.Envs.LearningToRun;

/// <summary>How the collision radius and stiffness of obstacles are set (l2r-environment.md §3.4, §7).</summary>
public enum ObstacleRadiusMode
{
    /// <summary>Collision radius = the reported r, stiffness 1e6/r: what osim-rl's code asks for and its observation and visualizer show.</summary>
    Documented,
    /// <summary>
    /// Every obstacle collides as a sphere of radius 0.1 with stiffness 1e7, whatever r the observation reports:
    /// what the 2017 runtime probably did, because ContactSphere radius and HuntCrossleyForce stiffness are
    /// OpenSim properties copied into Simbody only when the system is built, and reset never rebuilt it
    /// (inferred from source, not confirmed by running OpenSim).
    /// </summary>
    Legacy,
}

/// <summary>
/// Options of the Learning-to-Run env (osim-rl v1.5 RunEnv). Names are the keys of <see cref="EnvOptions"/>,
/// the config files and the gRPC contract.
/// </summary>
public sealed record LearningToRunOptions
{
    /// <summary>0: no obstacles, normal strength; 1: obstacles; 2 (the graded setting): obstacles and weakened psoas.</summary>
    public int Difficulty { get; init; } = 2;

    /// <summary>Obstacle slots (RunEnv(max_obstacles=...)): round 1 used 3, round 2 used 10; at most 20 are generated.</summary>
    public int MaxObstacles { get; init; } = 3;

    /// <summary>
    /// Which strength factor difficulty 2 draws as the "left psoas" and obs[36] reports. run.py has
    /// MUSCLES_PSOAS_L = 11, which is glut_max_l, not iliopsoas_l (12): the 2017 runtime weakened the right
    /// iliopsoas and the LEFT GLUTEUS MAXIMUS. 11 (the code's behaviour, certain) is the default; 12 is the
    /// apparent intent ("added the left psoas", v1.3 notes; osim-rl #82). See l2r-environment.md §3.5.
    /// </summary>
    public int LeftPsoasIndex { get; init; } = 11;

    /// <summary>Obstacle collision geometry; <see cref="ObstacleRadiusMode.Documented"/> by default because the frozen radius is inferred, not certain.</summary>
    public ObstacleRadiusMode ObstacleRadius { get; init; } = ObstacleRadiusMode.Documented;

    /// <summary>
    /// Physics substep in seconds (an env step is 0.01 s). 1 ms resolves the Hunt–Crossley foot contact and the
    /// ligament damping with margin; the fiber equation is integrated implicitly, so it does not limit the
    /// substep. tests compare 1 ms against 0.5 ms (FidelityTests).
    /// </summary>
    public double Substep { get; init; } = 0.001;

    /// <summary>
    /// Who computes the skeleton's rigid-body dynamics: the planar algorithms (default) or MuJoCo's general ones,
    /// equal to rounding (PlanarDynamicsTests); <c>mujoco</c> is the reference and 1.5× slower per env step.
    /// </summary>
    public RigidBodyEngine Engine { get; init; } = RigidBodyEngine.Planar;

    public const double StepSize = 0.01;
    public const int TimestepLimit = 1000;
    public const double FallHeight = 0.65;

    /// <summary>Reads the options from string key/values (config, CLI, gRPC), recording every key it reads.</summary>
    public static LearningToRunOptions From(EnvOptions o)
    {
        var options = new LearningToRunOptions
        {
            Difficulty = o.GetInt("difficulty", 2, 0, 2),
            MaxObstacles = o.GetInt("max_obstacles", 3, 0, 20),
            LeftPsoasIndex = o.GetInt("psoas_left_index", 11, 11, 12),
            ObstacleRadius = o.GetString("obstacle_radius", "documented", "documented", "legacy") == "legacy"
                ? ObstacleRadiusMode.Legacy : ObstacleRadiusMode.Documented,
            Substep = o.GetDouble("substep", 0.001, 1e-5, 0.01),
            Engine = o.GetString("engine", "planar", "planar", "mujoco") == "mujoco" ? RigidBodyEngine.MuJoCo : RigidBodyEngine.Planar,
        };
        o.GetString("physics", "faithful", "faithful");
        options.Validate();
        return options;
    }

    public void Validate()
    {
        double n = StepSize / Substep;
        if (Math.Abs(n - Math.Round(n)) > 1e-9)
            throw new ArgumentException($"substep {Substep} s does not divide the 0.01 s env step into whole substeps.");
        if (Difficulty is < 0 or > 2) throw new ArgumentException($"difficulty {Difficulty} is not 0, 1 or 2.");
        if (MaxObstacles is < 0 or > 20) throw new ArgumentException($"max_obstacles {MaxObstacles} is outside [0, 20].");
        if (LeftPsoasIndex is not (11 or 12)) throw new ArgumentException($"psoas_left_index {LeftPsoasIndex} is not 11 or 12.");
    }

    public int SubstepsPerStep => (int)Math.Round(StepSize / Substep);
}
