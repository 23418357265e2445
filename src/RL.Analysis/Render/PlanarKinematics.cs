namespace RL.Analysis.Render;

/// <summary>A point of the plane (m).</summary>
public readonly record struct Point2(double X, double Y)
{
    public double DistanceTo(Point2 other) => Math.Sqrt((X - other.X) * (X - other.X) + (Y - other.Y) * (Y - other.Y));
}

/// <summary>A body's frame in the world: origin (m) and rotation about z (rad).</summary>
public readonly record struct Pose2(double X, double Y, double Angle)
{
    public Point2 Origin => new(X, Y);

    /// <summary>A point given in this frame, in the world.</summary>
    public Point2 ToWorld(double localX, double localY)
    {
        double c = Math.Cos(Angle), s = Math.Sin(Angle);
        return new Point2(X + c * localX - s * localY, Y + s * localX + c * localY);
    }
}

/// <summary>
/// Forward kinematics of a <see cref="SkeletonModel"/>: each body's world frame from its parent's, its fixed offset and
/// its joints, applied in order as MuJoCo's mj_kinematics does (engine_core_smooth.c): a slide adds axis·q (axis turned
/// into the world by the frame so far), a hinge turns the frame by sign·q about its anchor, which stays put.
/// </summary>
public sealed class PlanarKinematics
{
    private readonly SkeletonModel _model;
    private readonly int[] _parent;
    private readonly ModelJoint[][] _joints;
    private readonly Dictionary<string, int> _index;

    public PlanarKinematics(SkeletonModel model)
    {
        _model = model;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < model.Bodies.Count; b++) _index[model.Bodies[b].Name] = b;
        _parent = model.Bodies.Select(b => b.Parent.Length == 0 ? -1 : _index[b.Parent]).ToArray();
        _joints = model.Bodies.Select(b => model.Joints.Where(j => j.Body == b.Name).ToArray()).ToArray();
    }

    public SkeletonModel Model => _model;

    /// <summary>The index of a body in <see cref="SkeletonModel.Bodies"/> and in the poses <see cref="Solve"/> returns.</summary>
    public int BodyIndex(string name) =>
        _index.TryGetValue(name, out int b) ? b : throw new ArgumentException($"the model has no body '{name}'.", nameof(name));

    /// <summary>The world frame of every body (model order) for coordinates <paramref name="q"/>.</summary>
    public Pose2[] Solve(IReadOnlyList<double> q)
    {
        if (q.Count != _model.Coordinates.Count)
            throw new ArgumentException($"{q.Count} coordinates given, the model has {_model.Coordinates.Count}.", nameof(q));
        var poses = new Pose2[_model.Bodies.Count];
        for (int b = 0; b < poses.Length; b++)
        {
            var body = _model.Bodies[b];
            var parent = _parent[b] < 0 ? new Pose2(0, 0, 0) : poses[_parent[b]];
            var origin = parent.ToWorld(body.X, body.Y);
            var pose = new Pose2(origin.X, origin.Y, parent.Angle + body.Angle);
            foreach (var joint in _joints[b])
            {
                double value = q[joint.Coordinate];
                if (joint.Type == ModelJoint.Slide)
                {
                    var moved = pose.ToWorld(joint.AxisX * value, joint.AxisY * value);
                    pose = pose with { X = moved.X, Y = moved.Y };
                }
                else
                {
                    var anchor = pose.ToWorld(joint.AnchorX, joint.AnchorY);
                    var turned = pose with { Angle = pose.Angle + joint.Sign * value };
                    // The anchor is where it was: the origin moves by what the turn did to the anchor's offset.
                    var anchorAfter = turned.ToWorld(joint.AnchorX, joint.AnchorY);
                    pose = turned with { X = turned.X + anchor.X - anchorAfter.X, Y = turned.Y + anchor.Y - anchorAfter.Y };
                }
            }
            poses[b] = pose;
        }
        return poses;
    }
}
