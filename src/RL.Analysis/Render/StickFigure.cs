namespace RL.Analysis.Render;

/// <summary>Which side of the body a part belongs to, from its name's _r / _l suffix (gait9dof18musc's convention).</summary>
public enum BodySide
{
    Centre,
    Right,
    Left,
}

/// <summary>A bone from the origin of body <paramref name="From"/> to the origin of its child <paramref name="To"/> (world, m).</summary>
public sealed record Bone(string From, string To, BodySide Side, Point2 Start, Point2 End)
{
    public string Name => $"{From}-{To}";
    public double Length => Start.DistanceTo(End);
}

public sealed record FigureSphere(string Name, BodySide Side, Point2 Centre, double Radius);

/// <summary>A muscle as a polyline through its points (world, m) and its value (activation or excitation, as recorded).</summary>
public sealed record FigureMuscle(string Name, BodySide Side, IReadOnlyList<Point2> Points, double Value);

/// <summary>
/// The skeleton of one recorded step, placed in the world by <see cref="PlanarKinematics"/>: a bone from every body's
/// parent to it (thighs from hip to knee, shanks from knee to ankle, each foot from ankle to heel to toes, pelvis to
/// hips and torso, torso to head), the model's spheres (head, foot contact spheres) and the muscles. Both drawings
/// (filmstrip PNG, animated page) draw exactly these, so a bone's drawn length is the model's segment length.
/// </summary>
public sealed record StickFigure(IReadOnlyList<Bone> Bones, IReadOnlyList<FigureSphere> Spheres, IReadOnlyList<FigureMuscle> Muscles, IReadOnlyList<Pose2> Poses)
{
    public static StickFigure At(PlanarKinematics kinematics, TrajectoryStep step)
    {
        var model = kinematics.Model;
        var poses = kinematics.Solve(step.Q);
        var bones = new List<Bone>();
        for (int b = 0; b < model.Bodies.Count; b++)
        {
            var body = model.Bodies[b];
            if (body.Parent.Length == 0) continue;
            int p = kinematics.BodyIndex(body.Parent);
            bones.Add(new Bone(body.Parent, body.Name, SideOf(body.Name), poses[p].Origin, poses[b].Origin));
        }
        var spheres = model.Spheres
            .Select(s => new FigureSphere(s.Name, SideOf(s.Body), poses[kinematics.BodyIndex(s.Body)].ToWorld(s.X, s.Y), s.R))
            .ToList();
        var muscles = model.Muscles
            .Select((m, i) => new FigureMuscle(m.Name, SideOf(m.Name),
                m.Points.Select(p => poses[kinematics.BodyIndex(p.Body)].ToWorld(p.X, p.Y)).ToList(), step.Muscles[i]))
            .ToList();
        return new StickFigure(bones, spheres, muscles, poses);
    }

    public static BodySide SideOf(string name) =>
        name.EndsWith("_r", StringComparison.Ordinal) ? BodySide.Right
        : name.EndsWith("_l", StringComparison.Ordinal) ? BodySide.Left
        : BodySide.Centre;
}
