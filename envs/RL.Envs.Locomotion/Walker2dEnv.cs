namespace RL.Envs.Locomotion;

/// <summary>
/// Walker2d with Gymnasium's Walker2d-v4 rules (gymnasium/envs/mujoco/walker2d_v4.py): 6 torques in [−1, 1] (right
/// leg 0–2, left 3–5), 17 observations (qpos[1:], qvel clipped to ±10), frame skip 4 (dt 0.008 s), reward
/// ẋ + 1 − 1e-3·Σa², terminated when unhealthy, reset noise ±5e-3. Publishes left/right mirror maps, as Learning to
/// Run does, for symmetry augmentation.
/// </summary>
public sealed unsafe class Walker2dEnv : LocomotionEnv
{
    public const string Id = "Walker2d";

    // healthy_z_range and healthy_angle_range of walker2d_v4.py; Walker2d has no state-range test. Bounds are strict.
    public const double MinZ = 0.8, MaxZ = 2.0, AngleLimit = 1.0;

    /// <summary>
    /// Observation mirror: right and left thigh, leg and foot swap, for angles (1-based qpos 3–5 ↔ 6–8, observation
    /// 2–4 ↔ 5–7) and for speeds (observation 11–13 ↔ 14–16). Torso height, angle and velocities stay, and nothing
    /// changes sign: the robot is planar and both legs hinge about the same axis. The left foot's friction (1.9
    /// against 0.9, Gymnasium's model) makes the swap an approximate symmetry only.
    /// </summary>
    public static readonly MirrorMap ObservationMirror = MirrorMap.FromSwaps(17, new[] { (2, 5), (3, 6), (4, 7), (11, 14), (12, 15), (13, 16) });

    /// <summary>Action mirror: right motor i ↔ left motor i + 3.</summary>
    public static readonly MirrorMap ActionMirror = MirrorMap.FromSwaps(6, new[] { (0, 3), (1, 4), (2, 5) });

    public static readonly LocomotionTask Definition = new()
    {
        Id = Id,
        ModelFile = LocomotionModels.Walker2d,
        Joints = new[] { "rootx", "rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint", "thigh_left_joint", "leg_left_joint", "foot_left_joint" },
        Actuators = new[] { "thigh_joint", "leg_joint", "foot_joint", "thigh_left_joint", "leg_left_joint", "foot_left_joint" },
        FrameSkip = 4,
        ForwardWeight = 1,
        CtrlWeight = 1e-3,
        HealthyReward = 1,
        VelocityClip = 10,
        ResetNoise = ResetNoise.Uniform(5e-3),
        ObservationMirror = ObservationMirror,
        ActionMirror = ActionMirror,
    };

    public Walker2dEnv(IReadOnlyDictionary<string, string>? effectiveOptions = null) : base(Definition, effectiveOptions) { }

    public static Walker2dEnv Create(EnvOptions options) => new(new Dictionary<string, string>(options.Effective));

    /// <summary>Torso height qpos[1] in (0.8, 2.0) and torso angle qpos[2] in (−1, 1) rad.</summary>
    protected override bool IsHealthy(double* qpos, double* qvel) =>
        qpos[1] > MinZ && qpos[1] < MaxZ && qpos[2] > -AngleLimit && qpos[2] < AngleLimit;
}
