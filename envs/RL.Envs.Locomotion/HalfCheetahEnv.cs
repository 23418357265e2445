namespace RL.Envs.Locomotion;

/// <summary>
/// HalfCheetah with Gymnasium's HalfCheetah-v4 rules (gymnasium/envs/mujoco/half_cheetah_v4.py): 6 torques in
/// [−1, 1] (back leg 0–2, front 3–5), 17 observations (qpos[1:] and qvel, not clipped), frame skip 5 (dt 0.05 s),
/// reward ẋ − 0.1·Σa², never terminated (only truncated at 1000 steps), reset noise qpos ±0.1 uniform and
/// qvel 0.1·N(0, 1). No mirror maps: its legs differ, so swapping them is no symmetry.
/// </summary>
public sealed unsafe class HalfCheetahEnv : LocomotionEnv
{
    public const string Id = "HalfCheetah";

    public static readonly LocomotionTask Definition = new()
    {
        Id = Id,
        ModelFile = LocomotionModels.HalfCheetah,
        Joints = new[] { "rootx", "rootz", "rooty", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot" },
        Actuators = new[] { "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot" },
        FrameSkip = 5,
        ForwardWeight = 1,
        CtrlWeight = 0.1,
        ResetNoise = ResetNoise.UniformPositionsGaussianVelocities(0.1),
    };

    public HalfCheetahEnv(IReadOnlyDictionary<string, string>? effectiveOptions = null) : base(Definition, effectiveOptions) { }

    public static HalfCheetahEnv Create(EnvOptions options) => new(new Dictionary<string, string>(options.Effective));

    protected override bool IsHealthy(double* qpos, double* qvel) => true;
}
