namespace RL.Analysis.Render;

/// <summary>
/// One recorded evaluation episode, everything a drawing needs and nothing else (issue 13, rl render): the model's
/// planar kinematic tree as the simulator compiled it, the course's obstacles, and per decision the time, the
/// generalized coordinates, the 18 muscle values and the 2017 score so far. Written by `rl render` as
/// render/&lt;checkpoint&gt;-seed&lt;S&gt;.trajectory.json, so a drawing can be redone without the policy or the simulator
/// (`rl render --trajectory`). <see cref="TrajectoryFile"/> reads and writes it; docs/run-directory.md describes it.
/// </summary>
public sealed record Trajectory
{
    public const string FormatName = "rl-trajectory/1";

    /// <summary>What <see cref="MuscleValues"/> says when the values are the simulator's activation states.</summary>
    public const string Activation = "activation";

    /// <summary>What <see cref="MuscleValues"/> says when the values are the policy's excitations (no activation state available).</summary>
    public const string Excitation = "excitation";

    public string Format { get; init; } = FormatName;
    public string Run { get; init; } = "";
    public string Checkpoint { get; init; } = "";
    public string Env { get; init; } = "";

    /// <summary>The env options of the episode (the run's evaluation setting).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public long Seed { get; init; }

    /// <summary>Why the episode ended: terminated (a fall), time_limit, sim_error, or max_steps when `--max-steps` cut it.</summary>
    public string End { get; init; } = "";

    /// <summary><see cref="Activation"/> or <see cref="Excitation"/>: what <see cref="TrajectoryStep.Muscles"/> holds.</summary>
    public string MuscleValues { get; init; } = Activation;

    public SkeletonModel Model { get; init; } = SkeletonModel.Empty;
    public IReadOnlyList<ObstacleCircle> Obstacles { get; init; } = Array.Empty<ObstacleCircle>();

    /// <summary>The state after reset, then after each decision.</summary>
    public IReadOnlyList<TrajectoryStep> Steps { get; init; } = Array.Empty<TrajectoryStep>();
}

/// <summary>
/// The skeleton as a planar tree (every rotation about z): bodies in parent-before-child order, the joints that move
/// them (a body's joints in the order they apply), sphere geoms (head, foot contact spheres), muscle paths as points
/// on bodies, and which bodies' positions each step also records from the observation (to check the kinematics).
/// </summary>
public sealed record SkeletonModel(
    string Name,
    IReadOnlyList<string> Coordinates,
    IReadOnlyList<ModelBody> Bodies,
    IReadOnlyList<ModelJoint> Joints,
    IReadOnlyList<ModelSphere> Spheres,
    IReadOnlyList<ModelMuscle> Muscles,
    IReadOnlyList<string> ObservedBodies)
{
    public static readonly SkeletonModel Empty = new("", Array.Empty<string>(), Array.Empty<ModelBody>(), Array.Empty<ModelJoint>(),
        Array.Empty<ModelSphere>(), Array.Empty<ModelMuscle>(), Array.Empty<string>());
}

/// <summary>A body's origin (m) and rotation (rad) in its parent's frame; <paramref name="Parent"/> is "" for the world.</summary>
public sealed record ModelBody(string Name, string Parent, double X, double Y, double Angle);

/// <summary>
/// A joint: <c>slide</c> moves its body along (AxisX, AxisY) of the body's frame by q; <c>hinge</c> turns it by
/// Sign·q about z through (AnchorX, AnchorY). <paramref name="Coordinate"/> indexes <see cref="TrajectoryStep.Q"/>.
/// </summary>
public sealed record ModelJoint(string Name, string Body, string Type, int Coordinate, double AxisX, double AxisY, double Sign, double AnchorX, double AnchorY)
{
    public const string Slide = "slide", Hinge = "hinge";
}

public sealed record ModelSphere(string Name, string Body, double X, double Y, double R);

/// <summary>A muscle drawn as a line through points fixed on bodies (its origin, via points and insertion, approximately).</summary>
public sealed record ModelMuscle(string Name, IReadOnlyList<ModelPoint> Points);

public sealed record ModelPoint(string Body, double X, double Y);

/// <summary>An obstacle: centre (m) and radius (m); its part below y = 0 is under the ground.</summary>
public sealed record ObstacleCircle(double X, double Y, double R);

/// <summary>
/// One recorded state: simulated time (s), the coordinates (as <see cref="SkeletonModel.Coordinates"/>), the muscle values
/// (as <see cref="SkeletonModel.Muscles"/>), the 2017 score so far (m) and the observed x, y of each of
/// <see cref="SkeletonModel.ObservedBodies"/>.
/// </summary>
public sealed record TrajectoryStep(double T, IReadOnlyList<double> Q, IReadOnlyList<double> Muscles, double Score, IReadOnlyList<double> Observed);
