namespace RL.Envs.LearningToRun.Model;

/// <summary>How a path point takes part in a muscle path (OpenSim PathPoint, ConditionalPathPoint, MovingPathPoint).</summary>
public enum PathPointKind
{
    Fixed,
    /// <summary>Active only while its coordinate lies in [Low − 1e-5, High + 1e-5] (ConditionalPathPoint::isActive).</summary>
    Conditional,
    /// <summary>
    /// Its x and y in the body frame are FMM splines of the knee angle; z is constant (MovingPathPoint). The location
    /// is evaluated at the coordinate clamped to its range [Low, High], its derivative at the raw coordinate
    /// (opensim-core 5678f38f MovingPathPoint::getLocation clamps; getVelocity and getdPointdQ do not).
    /// </summary>
    Moving,
}

/// <summary>One point of a muscle path, in the frame of <paramref name="Body"/>, for the right leg (the left mirrors z).</summary>
public sealed record PathPointSpec(string Body, double X, double Y, double Z, PathPointKind Kind = PathPointKind.Fixed,
    string? Coordinate = null, double Low = 0, double High = 0, FmmSpline? SplineX = null, FmmSpline? SplineY = null);

/// <summary>Thelen2003Muscle parameters of one muscle (l2r-environment.md §2.4).</summary>
public sealed record MuscleSpec(string Name, double MaxIsometricForce, double OptimalFiberLength, double TendonSlackLength,
    double PennationAngle, double FmaxTendonStrain, double FmaxMuscleStrain, double KshapePassive, PathPointSpec[] Path);

/// <summary>A CoordinateLimitForce of the model (ForceSet 20–25; l2r-environment.md §2.10), limits in degrees.</summary>
public sealed record LigamentSpec(string Name, string Coordinate, double LowerDegrees, double UpperDegrees);

/// <summary>
/// The numbers of gait9dof18musc that live outside the MJCF: muscles and their paths, the knee splines, the foot
/// contact spheres and the ligaments. Every value is from l2r-environment.md §2 (osim-rl
/// osim/models/gait9dof18musc.osim @ a49a7def); the right leg is listed and the left is its mirror (z negated).
/// </summary>
public static class Gait9dof18musc
{
    /// <summary>
    /// The range of knee_angle_r/_l (−120°…10°, §2.2). OpenSim enforces no coordinate range, but a moving path point
    /// is placed at its coordinate clamped to this range: with the knee hyperextended past 10° the rect_fem and vasti
    /// insertions stop moving (issue 15: the extrapolated splines moved them on and the quadriceps pulled harder).
    /// </summary>
    public const double KneeAngleMin = -2 * Math.PI / 3, KneeAngleMax = Math.PI / 18;

    // --- knee: tibia origin in the femur frame as splines of knee_angle (§2.3) ---
    public static readonly FmmSpline KneeTx = new(
        new[] { -2.0944, -1.74533, -1.39626, -1.0472, -0.698132, -0.349066, -0.174533, 0.197344, 0.337395, 0.490178, 1.52146, 2.0944 },
        new[] { -0.0032, 0.00179, 0.00411, 0.0041, 0.00212, -0.001, -0.0031, -0.005227, -0.005435, -0.005574, -0.005435, -0.00525 });

    public static readonly FmmSpline KneeTy = new(
        new[] { -2.0944, -1.22173, -0.523599, -0.349066, -0.174533, 0.159149, 2.0944 },
        new[] { -0.4226, -0.4082, -0.399, -0.3976, -0.3966, -0.395264, -0.396 });

    // --- moving path points of rect_fem and vasti (patella), splines of knee_angle (§2.6) ---
    private static readonly double[] PatellaKnots =
        { -2.0944, -1.99997, -1.5708, -1.45752, -1.39626, -1.0472, -0.698132, -0.526391, -0.349066, -0.174533, 0, 0.00017453, 0.00034907, 0.0279253, 0.0872665, 0.174533, 2.0944 };

    public static readonly FmmSpline RectFemX = new(PatellaKnots, new[]
        { 0.0155805, 0.0179938, 0.0275081, 0.0296564, 0.0307615, 0.0365695, 0.0422074, 0.0450902, 0.048391, 0.0534299, 0.0617576, 0.0617669, 0.0617762, 0.0633083, 0.066994, 0.0733035, 0.0573481 });

    public static readonly FmmSpline RectFemY = new(PatellaKnots, new[]
        { 0.0234116, 0.0237613, 0.0251141, 0.0252795, 0.0253146, 0.0249184, 0.0242373, 0.0238447, 0.0234197, 0.0227644, 0.020984, 0.0209814, 0.0209788, 0.0205225, 0.0191754, 0.0159554, -0.0673774 });

    public static readonly FmmSpline VastiX = new(PatellaKnots, new[]
        { 0.0082733, 0.0106866, 0.0202042, 0.022353, 0.0234583, 0.0292715, 0.0349465, 0.037871, 0.0412569, 0.0465287, 0.0554632, 0.0554735, 0.0554837, 0.0571717, 0.061272, 0.0684368, 0.0648818 });

    public static readonly FmmSpline VastiY = new(PatellaKnots, new[]
        { 0.025599, 0.0259487, 0.0273124, 0.0274796, 0.0275151, 0.0271363, 0.0265737, 0.0263073, 0.0261187, 0.0260129, 0.0252923, 0.0252911, 0.0252898, 0.0250526, 0.0242191, 0.0218288, -0.0685706 });

    // --- muscles, right leg, in action order 0–8 (§2.4, §2.5); the left leg is 9–17 ---
    public static readonly MuscleSpec[] RightMuscles =
    {
        new("hamstrings_r", 4105.465574, 0.069, 0.349, 0.26179939, 0.049, 0.6, 5, new PathPointSpec[]
        {
            new("pelvis", -0.1192, -0.09747, 0.07151),
            new("tibia_r", -0.0348, -0.03519, -0.01891, PathPointKind.Conditional, "knee_angle_r", -0.558505, 0.174533),
            new("tibia_r", -0.027, -0.04771, -0.01957),
        }),
        new("bifemsh_r", 557.11475409836, 0.11, 0.117, 0.40142573, 0.049, 0.6, 5, new PathPointSpec[]
        {
            new("femur_r", 0.005, -0.2111, 0.0234),
            new("tibia_r", -0.0301, -0.036, 0.02943),
            new("tibia_r", -0.0234, -0.0563, 0.0343),
        }),
        new("glut_max_r", 3337.583607, 0.157, 0.048, 0, 0.049, 0.6, 5, new PathPointSpec[]
        {
            new("pelvis", -0.1349, 0.0176, 0.0563),
            new("pelvis", -0.1376, -0.052, 0.0914),
            new("femur_r", -0.0426, -0.053, 0.0293),
            new("femur_r", -0.0156, -0.1016, 0.0419),
        }),
        new("iliopsoas_r", 2697.344262, 0.117, 0.130, 0.13962634, 0.049, 0.6, 5, new PathPointSpec[]
        {
            new("pelvis", -0.0647, 0.0887, 0.0289),
            new("pelvis", -0.0238, -0.057, 0.0759),
            new("pelvis", -0.0288, -0.0805, 0.0816, PathPointKind.Conditional, "hip_flexion_r", -1.5708, 0.785398),
            new("femur_r", 0.0016, -0.0507, 0.0038),
            new("femur_r", -0.0188, -0.0597, 0.0104),
        }),
        new("rect_fem_r", 2191.74098360656, 0.076, 0.346, 0.08726646, 0.049, 1.0, 5, new PathPointSpec[]
        {
            new("pelvis", -0.0295, -0.0311, 0.0968),
            new("femur_r", 0.0334, -0.403, 0.0019, PathPointKind.Conditional, "knee_angle_r", -2.61799, -1.45997),
            new("tibia_r", 0, 0, 0.0014, PathPointKind.Moving, "knee_angle_r", KneeAngleMin, KneeAngleMax, RectFemX, RectFemY),
        }),
        new("vasti_r", 9593.95082, 0.099, 0.102, 0.05235988, 0.049, 1.0, 9, new PathPointSpec[]
        {
            new("femur_r", 0.029, -0.1924, 0.031),
            new("femur_r", 0.0335, -0.2084, 0.0285),
            new("femur_r", 0.0343, -0.403, 0.0055, PathPointKind.Conditional, "knee_angle_r", -2.61799, -1.42),
            new("tibia_r", 0, 0, 0.0018, PathPointKind.Moving, "knee_angle_r", KneeAngleMin, KneeAngleMax, VastiX, VastiY),
        }),
        new("gastroc_r", 4690.57377, 0.051, 0.384, 0.29670597, 0.1, 0.6, 5, new PathPointSpec[]
        {
            new("femur_r", -0.019, -0.3929, -0.0235),
            new("femur_r", -0.03, -0.4022, -0.0258, PathPointKind.Conditional, "knee_angle_r", -0.785398, 0.174533),
            new("calcn_r", 0, 0.031, -0.0053),
        }),
        new("soleus_r", 7924.996721, 0.044, 0.244, 0.43633231, 0.1, 0.6, 5, new PathPointSpec[]
        {
            new("tibia_r", -0.0024, -0.1533, 0.0071),
            new("calcn_r", 0, 0.031, -0.0053),
        }),
        new("tib_ant_r", 2116.818162, 0.068, 0.238, 0.08726646, 0.049, 0.6, 5, new PathPointSpec[]
        {
            new("tibia_r", 0.0179, -0.1624, 0.0115),
            new("tibia_r", 0.0329, -0.3951, -0.0177),
            new("calcn_r", 0.1166, 0.0178, -0.0305),
        }),
    };

    /// <summary>All 18 muscles in action order: right leg 0–8, then the left leg 9–17 (z mirrored).</summary>
    public static readonly MuscleSpec[] Muscles = RightMuscles.Concat(RightMuscles.Select(Mirror)).ToArray();

    public static MuscleSpec Mirror(MuscleSpec right) => right with
    {
        Name = ToLeft(right.Name),
        Path = right.Path.Select(p => p with
        {
            Body = ToLeft(p.Body),
            Z = -p.Z,
            Coordinate = p.Coordinate is null ? null : ToLeft(p.Coordinate),
        }).ToArray(),
    };

    private static string ToLeft(string name) => name.EndsWith("_r", StringComparison.Ordinal) ? name[..^2] + "_l" : name;

    // --- Thelen2003 constants common to all 18 muscles (§2.4, §2.7) ---
    public const double MaxContractionVelocity = 15;      // optimal fiber lengths per second
    public const double ActivationTimeConstant = 0.01;
    public const double DeactivationTimeConstant = 0.04;
    public const double MinimumActivation = 0.01;          // activation_minimum_value / minimum_activation
    public const double KshapeActive = 0.45;
    public const double Af = 0.25;
    public const double Flen = 1.4;
    public const double FvLinearExtrapolationThreshold = 0.95;
    public static readonly double MaximumPennationAngle = Math.Acos(0.1);
    public const double InitialActivation = 0.05;          // default_activation; 2017 never equilibrated (osim-rl #133)
    public const double InitialFiberLength = 0.1;          // default_fiber_length from the generic optimal_fiber_length

    // --- foot contact (§2.8) ---
    public const double FootSphereRadius = 0.05;
    public static readonly (string Name, string Body)[] FootSpheres =
        { ("r_heel", "calcn_r"), ("r_toe", "toes_r"), ("l_heel", "calcn_l"), ("l_toe", "toes_l") };
    public const double FootSphereX = 0.03, FootSphereY = 0.04;
    public const double GroundStiffness = 6e5, GroundDissipation = 1.5;
    public const double GroundStaticFriction = 0.8, GroundDynamicFriction = 0.8, GroundViscousFriction = 0;
    public const double TransitionVelocity = 0.1;

    // --- obstacle contact (§2.9, §3.4) ---
    public const double ObstacleDissipation = 1e-5;
    public const double ObstacleStiffnessOverRadius = 1e6;  // stiffness = 1e6 / r
    public const double ObstacleMass = 1e-4;
    public const double LegacyObstacleRadius = 0.1;
    public const double ClearedObstacleRadius = 0.0001;
    public const double ClearedObstacleX = 0, ClearedObstacleY = -0.1;

    // --- ligaments (§2.10), ForceSet order 20–25 ---
    public static readonly LigamentSpec[] Ligaments =
    {
        new("HipLimit_r", "hip_flexion_r", -30, 120),
        new("HipLimit_l", "hip_flexion_l", -30, 120),
        new("KneeLimit_r", "knee_angle_r", -140, 10),
        new("KneeLimit_l", "knee_angle_l", -140, 10),
        new("AnkleLimit_r", "ankle_angle_r", -40, 20),
        new("AnkleLimit_l", "ankle_angle_l", -40, 20),
    };
    public const double LigamentStiffnessPerDegree = 20;    // N·m/deg on both sides
    public const double LigamentDampingPerDegree = 0.25;    // N·m·s/deg
    public const double LigamentTransitionDegrees = 10;

    // --- reset pose (§2.2) ---
    public const double DefaultPelvisTilt = -0.05, DefaultPelvisY = 0.91;

    public static readonly string[] Bodies =
        { "pelvis", "femur_r", "tibia_r", "talus_r", "calcn_r", "toes_r", "femur_l", "tibia_l", "talus_l", "calcn_l", "toes_l", "torso", "head" };
}
