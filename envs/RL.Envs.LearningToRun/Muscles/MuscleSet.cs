using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Simulation;

namespace RL.Envs.LearningToRun.Muscles;

/// <summary>
/// The 18 muscles: their paths (fixed, conditional and moving points, l2r-environment.md §2.5–2.6), their
/// states (activation, fiber length) and one substep of their dynamics coupled to the skeleton.
///
/// Coupling scheme (semi-implicit, chosen because the fiber equation is far stiffer than the skeleton): per
/// substep, the activation advances by one classical Runge–Kutta step; the fiber length advances by backward Euler against
/// the path length extrapolated along its current lengthening speed; while the fiber equation is stiff
/// (λ·dt &gt; 1, e.g. right after the 2017 reset) the substep is cut into sub-cycles. The skeleton then feels
/// the time-averaged tendon force of the substep along the path geometry of its start, applied as the
/// virtual work of τ = −F·∂L/∂q, including the term of moving path points (OpenSim GeometryPath::addInEquivalentForces).
/// </summary>
public sealed class MuscleSet
{
    public const int Count = 18;
    private const int MaxPoints = 5;
    private const int MaxSubcycles = 256;

    private struct Point
    {
        public int Body;
        public double X, Y, Z;
        public PathPointKind Kind;
        public int Dof;          // coordinate of a conditional or moving point
        public double Low, High; // conditional range
        public FmmSpline? SplineX, SplineY;
    }

    private readonly ThelenMuscle[] _muscles;
    private readonly Point[][] _paths;

    // Per substep geometry of the active points of each muscle: world position, body, moving-point derivative.
    private readonly int[] _activeCount = new int[Count];
    private readonly int[] _activeBody = new int[Count * MaxPoints];
    private readonly double[] _px = new double[Count * MaxPoints], _py = new double[Count * MaxPoints], _pz = new double[Count * MaxPoints];
    private readonly double[] _dx = new double[Count * MaxPoints], _dy = new double[Count * MaxPoints];
    private readonly double[] _ux = new double[Count * MaxPoints], _uy = new double[Count * MaxPoints]; // segment k → k+1 (x, y of the 3D unit vector)
    private readonly int[] _movingDof = new int[Count * MaxPoints];
    private ThelenMuscle.Evaluation _eval;

    public MuscleSet()
    {
        _muscles = Gait9dof18musc.Muscles.Select(m => new ThelenMuscle(m)).ToArray();
        _paths = Gait9dof18musc.Muscles.Select(m => m.Path.Select(p => new Point
        {
            Body = Skeleton.BodyIndex(p.Body),
            X = p.X,
            Y = p.Y,
            Z = p.Z,
            Kind = p.Kind,
            Dof = p.Coordinate is null ? -1 : Skeleton.Dof(p.Coordinate),
            Low = p.Low,
            High = p.High,
            SplineX = p.SplineX,
            SplineY = p.SplineY,
        }).ToArray()).ToArray();
        if (_paths.Any(p => p.Length > MaxPoints)) throw new InvalidOperationException("a muscle path has more than 5 points");
    }

    public IReadOnlyList<ThelenMuscle> Muscles => _muscles;

    /// <summary>Activation states (not clamped: they drift below 0.01 when excitation is below it, as in 2017).</summary>
    public readonly double[] Activation = new double[Count];

    /// <summary>Fiber length states (m).</summary>
    public readonly double[] FiberLength = new double[Count];

    /// <summary>Path (muscle-tendon) length and lengthening speed at the start of the last substep.</summary>
    public readonly double[] PathLength = new double[Count], PathSpeed = new double[Count];

    // Fiber velocity of each muscle's last two solutions: the predictor of the next substep's Newton start (0 after a reset).
    private readonly double[] _lastVelocity = new double[Count], _previousVelocity = new double[Count];
    // λ·dt of each muscle's fiber equation at its last substep; infinite after a reset (no prediction then).
    private readonly double[] _lastStiffness = Enumerable.Repeat(double.PositiveInfinity, Count).ToArray();

    /// <summary>Forgets the fiber velocities of the last substeps (at a reset, or after a state was set from outside), so Newton starts at l.</summary>
    public void ClearPredictor()
    {
        Array.Clear(_lastVelocity);
        Array.Clear(_previousVelocity);
        Array.Fill(_lastStiffness, double.PositiveInfinity);
    }

    /// <summary>Tension applied to the skeleton in the last substep (N).</summary>
    public readonly double[] AppliedTension = new double[Count];

    /// <summary>The 2017 initial state: activation 0.05, fiber length 0.1 m, no equilibration (osim-rl #133).</summary>
    public void Reset(ReadOnlySpan<double> strength)
    {
        ClearPredictor();
        for (int i = 0; i < Count; i++)
        {
            Activation[i] = Gait9dof18musc.InitialActivation;
            FiberLength[i] = Gait9dof18musc.InitialFiberLength;
            _muscles[i].MaxIsometricForce = _muscles[i].MaxIsometricForce0 * strength[i];
        }
    }

    /// <summary>Computes the active points, path length and lengthening speed of every muscle for the current pose.</summary>
    public unsafe void UpdateGeometry(Skeleton s)
    {
        double* q = s.Qpos;
        double* qd = s.Qvel;
        var frames = s.Frames;
        for (int m = 0; m < Count; m++)
        {
            var path = _paths[m];
            int n = 0, o = m * MaxPoints;
            double length = 0, speed = 0;
            double prevX = 0, prevY = 0, prevZ = 0, prevVx = 0, prevVy = 0;
            for (int k = 0; k < path.Length; k++)
            {
                ref readonly Point p = ref path[k];
                if (p.Kind == PathPointKind.Conditional)
                {
                    double c = q[p.Dof];
                    if (!(c >= p.Low - 1e-5 && c <= p.High + 1e-5)) continue;
                }
                double lx = p.X, ly = p.Y;
                double dlx = 0, dly = 0;
                if (p.Kind == PathPointKind.Moving)
                {
                    // Location at the clamped coordinate, derivative at the raw one (MovingPathPoint::getLocation
                    // vs getVelocity/getdPointdQ, opensim-core 5678f38f), so past the range the point stays put
                    // while the path speed and the generalized force still use the spline's slope there.
                    double c = q[p.Dof];
                    double clamped = Math.Clamp(c, p.Low, p.High);
                    lx = p.SplineX!.Evaluate(clamped, out dlx, out _);
                    ly = p.SplineY!.Evaluate(clamped, out dly, out _);
                    if (clamped != c)
                    {
                        p.SplineX.Evaluate(c, out dlx, out _);
                        p.SplineY.Evaluate(c, out dly, out _);
                    }
                }
                // Planar pose: rotation about z by the body's angle; z only carries the point's offset.
                ref readonly Skeleton.Frame f = ref frames[p.Body];
                double rx = f.Cos * lx - f.Sin * ly, ry = f.Sin * lx + f.Cos * ly;
                double wx = f.X + rx, wy = f.Y + ry, wz = f.Z + p.Z;
                double vx = f.Vx - f.Omega * ry, vy = f.Vy + f.Omega * rx;
                int i = o + n;
                _activeBody[i] = p.Body;
                _px[i] = wx;
                _py[i] = wy;
                _pz[i] = wz;
                if (p.Kind == PathPointKind.Moving)
                {
                    double gx = f.Cos * dlx - f.Sin * dly, gy = f.Sin * dlx + f.Cos * dly;
                    _dx[i] = gx;
                    _dy[i] = gy;
                    _movingDof[i] = p.Dof;
                    vx += gx * qd[p.Dof];
                    vy += gy * qd[p.Dof];
                }
                else _movingDof[i] = -1;
                if (n > 0)
                {
                    double sx = wx - prevX, sy = wy - prevY, sz = wz - prevZ;
                    double len = Math.Sqrt(sx * sx + sy * sy + sz * sz);
                    double inv = 1 / len;
                    length += len;
                    _ux[i - 1] = sx * inv;
                    _uy[i - 1] = sy * inv;
                    speed += (sx * (vx - prevVx) + sy * (vy - prevVy)) * inv;
                }
                (prevX, prevY, prevZ, prevVx, prevVy) = (wx, wy, wz, vx, vy);
                n++;
            }
            _activeCount[m] = n;
            PathLength[m] = length;
            PathSpeed[m] = speed;
        }
    }

    /// <summary>
    /// Advances activations and fiber lengths by <paramref name="dt"/> under <paramref name="excitation"/> (each in
    /// [0, 1]) and adds the resulting tendon forces to the skeleton. Call <see cref="UpdateGeometry"/> first.
    /// </summary>
    public void Step(Skeleton s, ReadOnlySpan<double> excitation, double dt)
    {
        for (int m = 0; m < Count; m++)
        {
            var muscle = _muscles[m];
            double u = excitation[m];
            double a0 = Activation[m];
            double a1 = ThelenMuscle.StepActivation(a0, u, dt);
            Activation[m] = a1;
            double ac = ThelenMuscle.ClampActivation(a1);

            double l = FiberLength[m];
            double path = PathLength[m], speed = PathSpeed[m];
            // One backward-Euler step against the path length extrapolated to the end of the substep; if the
            // fiber equation is stiff at this state (λ·dt > 1), sub-cycle so the tendon force's average over the
            // substep (the impulse the skeleton feels) is resolved.
            double pathEnd = path + speed * dt;
            // Newton starts from the fiber length extrapolated along its last two substeps' speeds (issue 15: 1.4
            // evaluations per substep instead of 2.4 over random-excitation episodes; the solution is the same to
            // Newton's tolerance). Only where the fiber equation is far from stiff (λ·dt < 0.5 last substep and at the
            // predicted length), so the sub-cycling decision below is still taken with λ at l wherever it could go
            // either way: right after a reset the extrapolation is meaningless and the old path runs unchanged.
            bool predict = _lastStiffness[m] < 0.5;
            double start = predict ? l + dt * (2 * _lastVelocity[m] - _previousVelocity[m]) : l;
            muscle.Evaluate(start, pathEnd, ac, ref _eval);
            double lambda = -_eval.DFiberVelocity;
            if (predict && lambda * dt >= 0.5)
            {
                start = l;
                muscle.Evaluate(l, pathEnd, ac, ref _eval);
                lambda = -_eval.DFiberVelocity;
            }
            _lastStiffness[m] = lambda * dt;
            double forceSum;
            int cycles = 1;
            if (lambda * dt <= 1)
            {
                l = muscle.StepFiberLength(l, start, pathEnd, ac, dt, ref _eval, evaluated: true);
                forceSum = _eval.TendonForce;
            }
            else
            {
                cycles = (int)Math.Min(MaxSubcycles, Math.Ceiling(lambda * dt));
                double h = dt / cycles;
                forceSum = 0;
                for (int c = 1; c <= cycles; c++)
                {
                    l = muscle.StepFiberLength(l, path + speed * h * c, ac, h, ref _eval);
                    forceSum += _eval.TendonForce;
                }
            }
            FiberLength[m] = l;
            _previousVelocity[m] = _lastVelocity[m];
            _lastVelocity[m] = _eval.FiberVelocity;
            double tension = muscle.MaxIsometricForce * forceSum / cycles;
            AppliedTension[m] = tension;
            if (tension != 0) ApplyTension(s, m, tension);
        }
    }

    private void ApplyTension(Skeleton s, int m, double tension)
    {
        int o = m * MaxPoints, n = _activeCount[m];
        for (int k = 0; k + 1 < n; k++)
        {
            int i = o + k, j = i + 1;
            if (_activeBody[i] == _activeBody[j]) continue; // internal to one body (OpenSim skips these too)
            double fx = tension * _ux[i], fy = tension * _uy[i];
            s.AddPointForce(_activeBody[i], _px[i], _py[i], fx, fy);
            s.AddPointForce(_activeBody[j], _px[j], _py[j], -fx, -fy);
            // A moving point also does work through its own motion in the body: dP/dq · F on its coordinate.
            if (_movingDof[i] >= 0) s.AddGeneralizedForce(_movingDof[i], _dx[i] * fx + _dy[i] * fy);
            if (_movingDof[j] >= 0) s.AddGeneralizedForce(_movingDof[j], -(_dx[j] * fx + _dy[j] * fy));
        }
    }

    /// <summary>Tendon force (N) of muscle <paramref name="m"/> at its current fiber length and path length.</summary>
    public double TendonForce(int m)
    {
        _muscles[m].Evaluate(FiberLength[m], PathLength[m], ThelenMuscle.ClampActivation(Activation[m]), ref _eval);
        return _muscles[m].MaxIsometricForce * _eval.TendonForce;
    }

    public bool AllFinite()
    {
        for (int m = 0; m < Count; m++)
            if (!double.IsFinite(Activation[m]) || !double.IsFinite(FiberLength[m])) return false;
        return true;
    }
}
