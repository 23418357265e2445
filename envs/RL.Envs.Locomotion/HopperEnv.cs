namespace RL.Envs.Locomotion;

/// <summary>
/// Hopper with Gymnasium's Hopper-v4 rules (gymnasium/envs/mujoco/hopper_v4.py): 3 torques in [−1, 1], 11
/// observations (qpos[1:], qvel clipped to ±10), frame skip 4 (dt 0.008 s), reward ẋ + 1 − 1e-3·Σa², terminated
/// when unhealthy, reset noise ±5e-3.
/// </summary>
public sealed unsafe class HopperEnv : LocomotionEnv
{
    public const string Id = "Hopper";

    public static readonly LocomotionTask Definition = new()
    {
        Id = Id,
        ModelFile = LocomotionModels.Hopper,
        Joints = new[] { "rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint" },
        Actuators = new[] { "thigh_joint", "leg_joint", "foot_joint" },
        FrameSkip = 4,
        ForwardWeight = 1,
        CtrlWeight = 1e-3,
        HealthyReward = 1,
        VelocityClip = 10,
        ResetNoise = ResetNoise.Uniform(5e-3),
    };

    // healthy_state_range, healthy_z_range and healthy_angle_range of hopper_v4.py; all bounds are strict.
    public const double StateLimit = 100, MinZ = 0.7, AngleLimit = 0.2;

    public HopperEnv(IReadOnlyDictionary<string, string>? effectiveOptions = null) : base(Definition, effectiveOptions) { }

    public static HopperEnv Create(EnvOptions options) => new(new Dictionary<string, string>(options.Effective));

    /// <summary>
    /// z = qpos[1] above 0.7, torso angle qpos[2] within ±0.2 rad, and every element of state_vector()[2:]
    /// (qpos[2:] and all of qvel) within ±100.
    /// </summary>
    protected override bool IsHealthy(double* qpos, double* qvel)
    {
        for (int i = 2; i < Definition.Joints.Length; i++)
            if (!(qpos[i] > -StateLimit && qpos[i] < StateLimit)) return false;
        for (int i = 0; i < Definition.Joints.Length; i++)
            if (!(qvel[i] > -StateLimit && qvel[i] < StateLimit)) return false;
        return qpos[1] > MinZ && qpos[2] > -AngleLimit && qpos[2] < AngleLimit;
    }
}
