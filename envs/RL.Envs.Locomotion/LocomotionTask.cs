namespace RL.Envs.Locomotion;

/// <summary>
/// One row of the v4 table as data (the constructor defaults of gymnasium/envs/mujoco/{hopper,walker2d,half_cheetah}_v4.py):
/// what differs between the three tasks besides the healthy test, which each env class implements.
/// </summary>
public sealed record LocomotionTask
{
    public required string Id { get; init; }

    /// <summary>The embedded model (<see cref="LocomotionModels"/>).</summary>
    public required string ModelFile { get; init; }

    /// <summary>Joint names in qpos order (rootx, rootz, rooty, then the legs); observation names derive from them.</summary>
    public required string[] Joints { get; init; }

    /// <summary>For each actuator, the joint it drives, in actuator order (the action's names).</summary>
    public required string[] Actuators { get; init; }

    /// <summary>mj_step calls per env step (the <c>frame_skip</c> the task passes to MujocoEnv).</summary>
    public required int FrameSkip { get; init; }

    public required double ForwardWeight { get; init; }
    public required double CtrlWeight { get; init; }

    /// <summary>Reward per step for being healthy; 0 for a task without a healthy test (HalfCheetah).</summary>
    public double HealthyReward { get; init; }

    /// <summary>Observed velocities are clipped to ±this (10 for Hopper and Walker2d; HalfCheetah does not clip).</summary>
    public double VelocityClip { get; init; } = double.PositiveInfinity;

    public required ResetNoise ResetNoise { get; init; }

    public MirrorMap? ObservationMirror { get; init; }
    public MirrorMap? ActionMirror { get; init; }
}
