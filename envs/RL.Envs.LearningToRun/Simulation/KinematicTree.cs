using RL.Envs.LearningToRun.Model;
using RL.MuJoCo;

namespace RL.Envs.LearningToRun.Simulation;

/// <summary>A body of the planar tree: its origin and rotation (about z) in its parent's frame; the parent is "" for the world.</summary>
public sealed record TreeBody(string Name, string Parent, double X, double Y, double Angle);

/// <summary>
/// A joint of the planar tree, in the order MuJoCo applies a body's joints: a slide moves the body along (AxisX, AxisY)
/// of its frame, a hinge turns it about the z axis through (AnchorX, AnchorY), by Sign·q. <paramref name="Coordinate"/>
/// is its qpos index.
/// </summary>
public sealed record TreeJoint(string Name, string Body, bool Hinge, int Coordinate, double AxisX, double AxisY, double Sign, double AnchorX, double AnchorY);

/// <summary>A sphere geom of the model (head, pelvis, the four foot contact spheres) in its body's frame.</summary>
public sealed record TreeSphere(string Name, string Body, double X, double Y, double Radius);

/// <summary>
/// The skeleton's segment geometry as the compiled mjModel holds it (body_pos, body_quat, jnt_*, geom_*), projected on
/// the model's plane (every rotation is about z, so the z offsets of the feet do not move anything in x, y): what a
/// drawing needs to place each bone by forward kinematics from the coordinates, with lengths from the model rather
/// than numbers copied out of the MJCF (issue 13, rl render). Together with <see cref="FaithfulSimulator.GetState"/>'s
/// qpos it reproduces MuJoCo's body positions (mj_kinematics for slide and hinge joints).
/// </summary>
public sealed record KinematicTree(IReadOnlyList<string> Coordinates, IReadOnlyList<TreeBody> Bodies, IReadOnlyList<TreeJoint> Joints, IReadOnlyList<TreeSphere> Spheres)
{
    private const int SlideJoint = 2, HingeJoint = 3, SphereGeom = 2; // mjtJoint, mjtGeom (mjmodel.h, MuJoCo 2.2.2)

    /// <summary>Reads the tree of a gait9dof18musc model whose layout <see cref="Skeleton"/> has checked.</summary>
    public static unsafe KinematicTree Read(MjModel model)
    {
        string BodyName(int id) => id == 0 ? "" : Gait9dof18musc.Bodies[id - 1];
        int* parent = model.Ints("body_parentid");
        double* pos = model.Doubles("body_pos");
        double* quat = model.Doubles("body_quat");
        var bodies = new List<TreeBody>();
        for (int b = 1; b < model.Nbody; b++)
        {
            double w = quat[4 * b], qx = quat[4 * b + 1], qy = quat[4 * b + 2], qz = quat[4 * b + 3];
            if (Math.Abs(qx) > 1e-12 || Math.Abs(qy) > 1e-12)
                throw new InvalidOperationException($"body {BodyName(b)} turns about an axis other than z; the tree is planar only about z.");
            bodies.Add(new TreeBody(BodyName(b), BodyName(parent[b]), pos[3 * b], pos[3 * b + 1], 2 * Math.Atan2(qz, w)));
        }
        int* type = model.Ints("jnt_type");
        int* jointBody = model.Ints("jnt_bodyid");
        int* qposadr = model.Ints("jnt_qposadr");
        double* axis = model.Doubles("jnt_axis");
        double* anchor = model.Doubles("jnt_pos");
        var joints = new List<TreeJoint>();
        for (int j = 0; j < model.Njnt; j++)
        {
            string name = Skeleton.JointNames[qposadr[j]];
            double ax = axis[3 * j], ay = axis[3 * j + 1], az = axis[3 * j + 2];
            if (type[j] == HingeJoint)
            {
                if (Math.Abs(ax) > 1e-12 || Math.Abs(ay) > 1e-12) throw new InvalidOperationException($"hinge {name} does not turn about z.");
                joints.Add(new TreeJoint(name, BodyName(jointBody[j]), true, qposadr[j], 0, 0, Math.Sign(az), anchor[3 * j], anchor[3 * j + 1]));
            }
            else if (type[j] == SlideJoint)
            {
                if (Math.Abs(az) > 1e-12) throw new InvalidOperationException($"slide {name} leaves the x-y plane.");
                joints.Add(new TreeJoint(name, BodyName(jointBody[j]), false, qposadr[j], ax, ay, 1, 0, 0));
            }
            else
            {
                throw new InvalidOperationException($"joint {name} is neither a slide nor a hinge.");
            }
        }
        int* geomType = model.Ints("geom_type");
        int* geomBody = model.Ints("geom_bodyid");
        double* size = model.Doubles("geom_size");
        double* geomPos = model.Doubles("geom_pos");
        var spheres = new List<TreeSphere>();
        for (int g = 0; g < model.Ngeom; g++)
        {
            if (geomType[g] != SphereGeom || geomBody[g] == 0) continue;
            string body = BodyName(geomBody[g]);
            spheres.Add(new TreeSphere(SphereName(body), body, geomPos[3 * g], geomPos[3 * g + 1], size[3 * g]));
        }
        return new KinematicTree(Skeleton.JointNames, bodies, joints, spheres);
    }

    /// <summary>The contact spheres by their contact names (r_heel on calcn_r, …, <see cref="Gait9dof18musc.FootSpheres"/>), others by their body.</summary>
    private static string SphereName(string body) =>
        Gait9dof18musc.FootSpheres.FirstOrDefault(s => s.Body == body).Name ?? body;
}
