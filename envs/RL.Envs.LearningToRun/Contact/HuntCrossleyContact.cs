using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Simulation;

namespace RL.Envs.LearningToRun.Contact;

/// <summary>An obstacle as the simulator sees it: a sphere at (X, Y, 0) with its collision radius and Hunt–Crossley stiffness.</summary>
public struct ObstacleBody
{
    public double X, Y, Radius, Stiffness;
}

/// <summary>
/// Simbody's compliant Hunt–Crossley contact (HuntCrossleyForceImpl::calcForce, with the sphere–half-space and
/// sphere–sphere geometry of CollisionDetectionAlgorithm), as used by the model's foot_r/foot_l forces and the
/// obstacle forces of osim-rl (l2r-environment.md §2.8, §2.9). Each geometry stores stiffness k^(2/3); a pair
/// of equal materials therefore has k_e = k^(2/3)/2, its contact point stays at the middle of the overlap, and
/// f = (4/3)·k_e·d·√(R·k_e·d)·(1 + 1.5·c·v_n). Friction uses that f even when it is negative (the normal force
/// is clipped at zero but the friction term is not), exactly as the Simbody code does.
/// </summary>
public sealed class HuntCrossleyContact
{
    // Simbody's pair stiffness for two geometries of equal stiffness k: (k^(2/3))/2.
    public static double PairStiffness(double k) => Math.Pow(k, 2.0 / 3.0) / 2;

    private static readonly double GroundK = PairStiffness(Gait9dof18musc.GroundStiffness);
    private const double R = Gait9dof18musc.FootSphereRadius;

    // Foot spheres: body and centre in the body frame.
    private static readonly int[] SphereBody = { Skeleton.CalcnR, Skeleton.ToesR, Skeleton.CalcnL, Skeleton.ToesL };

    /// <summary>Ground reaction on each foot sphere this substep (x, y), for diagnostics: index 2·sphere.</summary>
    public readonly double[] GroundForce = new double[8];

    /// <summary>Applies ground and obstacle contact forces of the four foot spheres to the skeleton.</summary>
    public void Apply(Skeleton s, ReadOnlySpan<ObstacleBody> obstacles)
    {
        for (int i = 0; i < 4; i++)
        {
            int body = SphereBody[i];
            s.PointToWorld(body, Gait9dof18musc.FootSphereX, Gait9dof18musc.FootSphereY, 0, out double cx, out double cy, out double cz);
            Ground(s, i, body, cx, cy);
            for (int o = 0; o < obstacles.Length; o++) Obstacle(s, body, cx, cy, cz, obstacles[o]);
        }
    }

    private void Ground(Skeleton s, int sphere, int body, double cx, double cy)
    {
        GroundForce[2 * sphere] = GroundForce[2 * sphere + 1] = 0;
        double depth = R - cy;
        if (depth <= 0) return;
        // Contact point: half-way into the overlap, below the sphere centre (HalfSpaceSphere).
        double px = cx, py = -depth / 2;
        s.PointVelocity(body, px, py, out double vx, out double vy);
        // v = v_ground − v_foot; the normal (+y) points from the ground (surface 1) to the sphere (surface 2).
        double vnormal = -vy;
        double fH = 4.0 / 3.0 * GroundK * depth * Math.Sqrt(R * GroundK * depth);
        double f = fH * (1 + 1.5 * Gait9dof18musc.GroundDissipation * vnormal);
        double fy = f > 0 ? f : 0, fx = 0;
        double dfdvy = -1.5 * Gait9dof18musc.GroundDissipation * fH;
        double tangent = -vx; // the tangential relative velocity (z is always 0 for this planar model)
        double vslip = Math.Abs(tangent);
        double dmu = FrictionSlope(vslip);
        if (vslip != 0) fx = f * FrictionCoefficient(vslip) * tangent / vslip;
        // ∂F/∂v at the contact point for the velocity-implicit step (friction is the stiffest term of the model).
        // The small coupling of friction to the normal speed (through f) is left out, which keeps the step's
        // matrix symmetric; it only changes how the step is linearised, not the forces.
        s.AddPointDamping(body, px, py, f > 0 ? -f * dmu : 0, f > 0 ? dfdvy : 0);
        s.AddPointForce(body, px, py, fx, fy);
        GroundForce[2 * sphere] = fx;
        GroundForce[2 * sphere + 1] = fy;
    }

    /// <summary>Simbody's slip-velocity friction law: min(v/vt, 1)·(μd + 2(μs − μd)/(1 + (v/vt)²)) + μv·v.</summary>
    private static double FrictionCoefficient(double vslip)
    {
        const double us = Gait9dof18musc.GroundStaticFriction, ud = Gait9dof18musc.GroundDynamicFriction, uv = Gait9dof18musc.GroundViscousFriction;
        double vrel = vslip / Gait9dof18musc.TransitionVelocity;
        return Math.Min(vrel, 1) * (ud + 2 * (us - ud) / (1 + vrel * vrel)) + uv * vslip;
    }

    /// <summary>d(friction coefficient)/d(slip speed).</summary>
    private static double FrictionSlope(double vslip)
    {
        const double us = Gait9dof18musc.GroundStaticFriction, ud = Gait9dof18musc.GroundDynamicFriction, uv = Gait9dof18musc.GroundViscousFriction;
        const double vt = Gait9dof18musc.TransitionVelocity;
        double vrel = vslip / vt, q = 1 + vrel * vrel;
        double shape = ud + 2 * (us - ud) / q, dshape = -4 * (us - ud) * vrel / (q * q) / vt;
        return vrel < 1 ? shape / vt + vrel * dshape + uv : dshape + uv;
    }

    private static void Obstacle(Skeleton s, int body, double cx, double cy, double cz, in ObstacleBody o)
    {
        // Sphere–sphere with the obstacle as surface 1: the normal points from the obstacle to the foot sphere.
        double dx = cx - o.X, dy = cy - o.Y, dz = cz;
        double dist = Math.Sqrt(dx * dx + dy * dy + dz * dz);
        if (dist == 0) return;
        double depth = o.Radius + R - dist;
        if (depth <= 0) return;
        double nx = dx / dist, ny = dy / dist;
        double reach = o.Radius - depth / 2;
        double px = o.X + reach * nx, py = o.Y + reach * ny;
        double radius = o.Radius * R / (o.Radius + R);
        double k = PairStiffness(o.Stiffness);
        s.PointVelocity(body, px, py, out double vx, out double vy);
        double vnormal = -(vx * nx + vy * ny); // obstacles are locked: v1 = 0
        double fH = 4.0 / 3.0 * k * depth * Math.Sqrt(radius * k * depth);
        double f = fH * (1 + 1.5 * Gait9dof18musc.ObstacleDissipation * vnormal);
        if (f <= 0) return; // frictionless: nothing else to apply
        s.AddPointForce(body, px, py, f * nx, f * ny);
    }
}
