using RL.Analysis.Render;

namespace RL.Analysis.Tests.Render;

/// <summary>
/// A small runner for the drawing tests, shaped like gait9dof18musc (pelvis on slides and a hinge, two legs of hip,
/// knee and ankle hinges, a torso fixed at an angle, a head), with a swinging gait, and its observed body positions
/// computed here by hand (chains of rotations) rather than by <see cref="PlanarKinematics"/>, so the two check each other.
/// </summary>
internal static class SampleRunner
{
    public const double HipX = -0.07, HipY = -0.066, Thigh = 0.4, Shank = 0.43, TorsoX = -0.1, TorsoY = 0.08, TorsoAngle = -0.14, Neck = 0.55;

    public static readonly string[] Coordinates = { "pelvis_tx", "pelvis_ty", "pelvis_tilt", "hip_r", "knee_r", "ankle_r", "hip_l", "knee_l", "ankle_l" };

    public static SkeletonModel Model()
    {
        var bodies = new List<ModelBody> { new("pelvis", "", 0, 0, 0) };
        var joints = new List<ModelJoint>
        {
            new("pelvis_tx", "pelvis", ModelJoint.Slide, 0, 1, 0, 1, 0, 0),
            new("pelvis_ty", "pelvis", ModelJoint.Slide, 1, 0, 1, 1, 0, 0),
            new("pelvis_tilt", "pelvis", ModelJoint.Hinge, 2, 0, 0, 1, 0, 0),
        };
        foreach (var (side, first) in new[] { ("r", 3), ("l", 6) })
        {
            bodies.Add(new($"thigh_{side}", "pelvis", HipX, HipY, 0));
            bodies.Add(new($"shank_{side}", $"thigh_{side}", 0, -Thigh, 0));
            bodies.Add(new($"foot_{side}", $"shank_{side}", 0, -Shank, 0));
            joints.Add(new($"hip_{side}", $"thigh_{side}", ModelJoint.Hinge, first, 0, 0, 1, 0, 0));
            joints.Add(new($"knee_{side}", $"shank_{side}", ModelJoint.Hinge, first + 1, 0, 0, 1, 0, 0));
            joints.Add(new($"ankle_{side}", $"foot_{side}", ModelJoint.Hinge, first + 2, 0, 0, 1, 0, 0));
        }
        bodies.Add(new("torso", "pelvis", TorsoX, TorsoY, TorsoAngle));
        bodies.Add(new("head", "torso", 0, Neck, 0));
        var spheres = new List<ModelSphere> { new("head", "head", 0, 0, 0.1), new("r_heel", "foot_r", 0.03, 0.04, 0.05), new("l_heel", "foot_l", 0.03, 0.04, 0.05) };
        var muscles = new List<ModelMuscle>
        {
            new("quad_r", new[] { new ModelPoint("thigh_r", 0.03, -0.1), new ModelPoint("shank_r", 0.03, -0.02) }),
            new("calf_l", new[] { new ModelPoint("shank_l", -0.03, -0.1), new ModelPoint("shank_l", -0.035, -0.3), new ModelPoint("foot_l", -0.05, 0) }),
        };
        return new SkeletonModel("sample", Coordinates, bodies, joints, spheres, muscles, new[] { "head", "foot_r", "foot_l" });
    }

    /// <summary>Coordinates of a running-like pose at time t: the legs swing in antiphase, the knees bend, the pelvis moves on.</summary>
    public static double[] Pose(double t)
    {
        double w = 2 * Math.PI * 1.5 * t;
        return new[]
        {
            2.5 * t, 0.9 + 0.03 * Math.Sin(2 * w), -0.1 + 0.05 * Math.Sin(w),
            0.6 * Math.Sin(w), -0.8 * (1 + Math.Sin(w + 1)) / 2, 0.2 * Math.Cos(w),
            0.6 * Math.Sin(w + Math.PI), -0.8 * (1 + Math.Sin(w + 1 + Math.PI)) / 2, 0.2 * Math.Cos(w + Math.PI),
        };
    }

    /// <summary>World positions of head, right foot and left foot by hand: rotations chained joint by joint.</summary>
    public static double[] Observed(double[] q)
    {
        (double X, double Y) Turn(double x, double y, double a) => (Math.Cos(a) * x - Math.Sin(a) * y, Math.Sin(a) * x + Math.Cos(a) * y);
        double px = q[0], py = q[1], tilt = q[2];
        var torso = Turn(TorsoX, TorsoY, tilt);
        var neck = Turn(0, Neck, tilt + TorsoAngle);
        var result = new List<double> { px + torso.X + neck.X, py + torso.Y + neck.Y };
        foreach (int first in new[] { 3, 6 })
        {
            var hip = Turn(HipX, HipY, tilt);
            var thigh = Turn(0, -Thigh, tilt + q[first]);
            var shank = Turn(0, -Shank, tilt + q[first] + q[first + 1]);
            result.Add(px + hip.X + thigh.X + shank.X);
            result.Add(py + hip.Y + thigh.Y + shank.Y);
        }
        return result.ToArray();
    }

    public static Trajectory Trajectory(int steps = 30, double dt = 0.04)
    {
        var list = new List<TrajectoryStep>();
        for (int k = 0; k < steps; k++)
        {
            double t = Math.Round(k * dt, 6);
            var q = Pose(t);
            list.Add(new TrajectoryStep(t, q, new[] { (k % 10) / 9.0, 1 - (k % 10) / 9.0 }, 2.5 * t, Observed(q)));
        }
        return new Trajectory
        {
            Run = "sample-run",
            Checkpoint = "step_0000000100",
            Env = "Sample",
            Options = new Dictionary<string, string> { ["difficulty"] = "2" },
            Seed = 7,
            End = "time_limit",
            Model = Model(),
            Obstacles = new[] { new ObstacleCircle(0.8, -0.02, 0.08), new ObstacleCircle(2.2, 0.01, 0.12) },
            Steps = list,
        };
    }
}
