using RL.Envs.LearningToRun.Model;
using RL.MuJoCo;

namespace RL.Envs.LearningToRun.Simulation;

/// <summary>
/// The rigid skeleton in MuJoCo plus what the planar model lets us compute cheaply in C#: body velocities,
/// generalized forces from forces applied at points (every joint rotates about z, so a point force maps to
/// its x/y components and its moment about each joint centre), and the knee's spline coupling as an exact
/// constraint inside a velocity-implicit step (<see cref="SolveImplicitStep"/>). Indices follow gait9dof18musc.xml.
/// </summary>
public sealed unsafe class Skeleton : IDisposable
{
    public const int BodyCount = 14; // world + 13
    public const int Pelvis = 1, FemurR = 2, TibiaR = 3, TalusR = 4, CalcnR = 5, ToesR = 6;
    public const int FemurL = 7, TibiaL = 8, TalusL = 9, CalcnL = 10, ToesL = 11, Torso = 12, Head = 13;

    // Degrees of freedom (qpos = qvel index; every joint has one).
    public const int PelvisTx = 0, PelvisTy = 1, PelvisTilt = 2;
    public const int HipR = 3, KneeTxR = 4, KneeTyR = 5, KneeR = 6, AnkleR = 7;
    public const int HipL = 8, KneeTxL = 9, KneeTyL = 10, KneeL = 11, AnkleL = 12;
    public const int Dofs = 13;

    /// <summary>The MJCF's joints in dof order (joint j moves qpos[j]; checked against the model when a skeleton is built).</summary>
    public static readonly string[] JointNames =
    {
        "pelvis_tx", "pelvis_ty", "pelvis_tilt", "hip_flexion_r", "knee_tx_r", "knee_ty_r", "knee_angle_r", "ankle_angle_r",
        "hip_flexion_l", "knee_tx_l", "knee_ty_l", "knee_angle_l", "ankle_angle_l",
    };

    /// <summary>Parent of each body (world = -1 for index 0).</summary>
    public static readonly int[] Parent = { -1, 0, 1, 2, 3, 4, 5, 1, 7, 8, 9, 10, 1, 12 };

    private readonly MjModel _model;
    private readonly MjData _data;
    private readonly double* _xpos, _xmat, _qpos, _qvel, _qfrc, _qM, _bias;
    private readonly PlanarDynamics? _planar;
    private readonly double[] _mass = new double[BodyCount];
    private readonly double[] _comLocal = new double[BodyCount * 3];

    // Per body: origin velocity (x, y) and angular velocity about z, computed by UpdateVelocities.
    public readonly double[] Vx = new double[BodyCount], Vy = new double[BodyCount], Omega = new double[BodyCount];

    /// <summary>A body's pose and velocity in the plane: every rotation of this model is about z.</summary>
    public struct Frame
    {
        public double X, Y, Z, Cos, Sin, Vx, Vy, Omega;
    }

    /// <summary>Pose and velocity of every body, refreshed by <see cref="UpdateVelocities"/> after each mj_step1.</summary>
    public readonly Frame[] Frames = new Frame[BodyCount];

    // Per body: accumulated point forces (x, y) and moment about the world origin (z).
    private readonly double[] _fx = new double[BodyCount], _fy = new double[BodyCount], _mz = new double[BodyCount];
    private readonly double[] _extra = new double[Dofs];

    // Implicit step work space in one unmanaged block (no bounds checks or pinning on the hot path):
    // damping D = ∂f/∂v, the matrix A = M − h·D and its Cholesky factor, the solutions x0 = A⁻¹·h·f and
    // X = A⁻¹·J_cᵀ, and the 4×4 knee system. The knee rows are sparse: row r is e(slide_r) − s'_r·e(knee_r).
    private readonly int _nM;
    private readonly int[] _madr = new int[Dofs];
    private readonly int* _parent;
    private readonly double* _damping, _matrix, _x0, _columns, _dv, _small, _work;
    private readonly int[] _rowSlide = new int[4], _rowKnee = new int[4];
    private readonly double[] _rowSlope = new double[4], _rowRhs = new double[4], _mu = new double[4];
    private bool _damped;

    /// <param name="sharedModel">The compiled skeleton, read only.</param>
    /// <param name="engine">Who computes poses, inertia and bias forces each substep, and who integrates.</param>
    public Skeleton(MjModel sharedModel, RigidBodyEngine engine = RigidBodyEngine.Planar)
    {
        _model = sharedModel;
        _data = new MjData(_model);
        CheckLayout();
        Engine = engine;
        if (engine == RigidBodyEngine.Planar) _planar = new PlanarDynamics(_model);
        _qM = _data.Doubles("qM");
        _bias = _data.QfrcBias;
        _xpos = _data.Xpos;
        _xmat = _data.Xmat;
        _qpos = _data.Qpos;
        _qvel = _data.Qvel;
        _qfrc = _data.QfrcApplied;
        double* mass = _model.Doubles("body_mass");
        double* ipos = _model.Doubles("body_ipos");
        for (int b = 0; b < BodyCount; b++)
        {
            _mass[b] = mass[b];
            for (int k = 0; k < 3; k++) _comLocal[3 * b + k] = ipos[3 * b + k];
        }
        TotalMass = _mass.Sum();
        _nM = _model.NM;
        int* madr = _model.Ints("dof_Madr");
        _parent = _model.Ints("dof_parentid");
        for (int j = 0; j < Dofs; j++) _madr[j] = madr[j];
        int doubles = 2 * _nM + 4 * Dofs + Dofs + Dofs + 16 + 2 * Dofs;
        _damping = (double*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(doubles * sizeof(double)), 64);
        System.Runtime.InteropServices.NativeMemory.Clear(_damping, (nuint)(doubles * sizeof(double)));
        _matrix = _damping + _nM;
        _columns = _matrix + _nM;
        _x0 = _columns + 4 * Dofs;
        _dv = _x0 + Dofs;
        _small = _dv + Dofs;
        _work = _small + 16;
        _rowSlide[0] = KneeTxR; _rowSlide[1] = KneeTyR; _rowSlide[2] = KneeTxL; _rowSlide[3] = KneeTyL;
        _rowKnee[0] = KneeR; _rowKnee[1] = KneeR; _rowKnee[2] = KneeL; _rowKnee[3] = KneeL;
    }

    public MjData Data => _data;
    public RigidBodyEngine Engine { get; }

    /// <summary>
    /// Poses, inertia and bias forces for the current qpos and qvel: mj_step1 with MuJoCo, the planar algorithms
    /// otherwise (which fill only xpos, xmat, qM and qfrc_bias, all this model reads).
    /// </summary>
    public void Forward()
    {
        if (_planar is null) _data.Step1();
        else _planar.Forward(_qpos, _qvel, _xpos, _xmat, _qM, _bias);
    }

    /// <summary>
    /// Ends a substep after <see cref="SolveImplicitStep"/>: MuJoCo's mj_step2, or the same semi-implicit Euler update
    /// done directly with the step's Δv (q̇ += Δv, q += h·q̇, MuJoCo's mj_Euler for hinge and slide joints without damping),
    /// which skips recovering Δv from the forces written for MuJoCo.
    /// </summary>
    public void Integrate(double h)
    {
        if (_planar is null)
        {
            WriteImplicitStepForce(h);
            _data.Step2();
            return;
        }
        for (int j = 0; j < Dofs; j++)
        {
            double v = _qvel[j] + _dv[j];
            _qvel[j] = v;
            _qpos[j] += h * v;
        }
        _data.Time += h;
    }
    public double TotalMass { get; }
    public double* Qpos => _qpos;
    public double* Qvel => _qvel;

    /// <summary>Fails loudly if the MJCF's body or joint order differs from the constants above.</summary>
    private void CheckLayout()
    {
        string[] bodies = { "world", "pelvis", "femur_r", "tibia_r", "talus_r", "calcn_r", "toes_r", "femur_l", "tibia_l", "talus_l", "calcn_l", "toes_l", "torso", "head" };
        if (_model.Nbody != BodyCount || _model.Nq != Dofs || _model.Nv != Dofs)
            throw new InvalidOperationException($"gait9dof18musc.xml: expected {BodyCount} bodies and {Dofs} dofs, got {_model.Nbody} and {_model.Nv}.");
        for (int b = 1; b < bodies.Length; b++)
            if (_model.Id(MjObject.Body, bodies[b]) != b)
                throw new InvalidOperationException($"gait9dof18musc.xml: body '{bodies[b]}' is not body {b}.");
        int* parent = _model.Ints("body_parentid");
        for (int b = 1; b < BodyCount; b++)
            if (parent[b] != Parent[b]) throw new InvalidOperationException($"gait9dof18musc.xml: body {bodies[b]} has parent {parent[b]}, expected {Parent[b]}.");
        int* qposadr = _model.Ints("jnt_qposadr");
        for (int j = 0; j < JointNames.Length; j++)
            if (qposadr[_model.Id(MjObject.Joint, JointNames[j])] != j)
                throw new InvalidOperationException($"gait9dof18musc.xml: joint '{JointNames[j]}' is not dof {j}.");
    }

    /// <summary>The dof of a named coordinate (OpenSim name).</summary>
    public static int Dof(string coordinate) => coordinate switch
    {
        "pelvis_tilt" => PelvisTilt, "pelvis_tx" => PelvisTx, "pelvis_ty" => PelvisTy,
        "hip_flexion_r" => HipR, "knee_angle_r" => KneeR, "ankle_angle_r" => AnkleR,
        "hip_flexion_l" => HipL, "knee_angle_l" => KneeL, "ankle_angle_l" => AnkleL,
        _ => throw new ArgumentException($"unknown coordinate '{coordinate}'"),
    };

    public static int BodyIndex(string name)
    {
        int i = Array.IndexOf(Gait9dof18musc.Bodies, name);
        if (i < 0) throw new ArgumentException($"unknown body '{name}'");
        return i + 1;
    }

    public double X(int body) => _xpos[3 * body];
    public double Y(int body) => _xpos[3 * body + 1];
    public double Z(int body) => _xpos[3 * body + 2];

    /// <summary>World position of a point given in a body's frame.</summary>
    public void PointToWorld(int body, double lx, double ly, double lz, out double wx, out double wy, out double wz)
    {
        double* r = _xmat + 9 * body;
        double* o = _xpos + 3 * body;
        wx = o[0] + r[0] * lx + r[1] * ly + r[2] * lz;
        wy = o[1] + r[3] * lx + r[4] * ly + r[5] * lz;
        wz = o[2] + r[6] * lx + r[7] * ly + r[8] * lz;
    }

    /// <summary>A body-frame direction rotated to the world (x, y only; rotations are about z).</summary>
    public void VectorToWorld(int body, double lx, double ly, out double wx, out double wy)
    {
        double* r = _xmat + 9 * body;
        wx = r[0] * lx + r[1] * ly;
        wy = r[3] * lx + r[4] * ly;
    }

    /// <summary>Velocity (x, y) of a world point rigidly attached to <paramref name="body"/>.</summary>
    public void PointVelocity(int body, double wx, double wy, out double vx, out double vy)
    {
        double w = Omega[body];
        vx = Vx[body] - w * (wy - _xpos[3 * body + 1]);
        vy = Vy[body] + w * (wx - _xpos[3 * body]);
    }

    /// <summary>Origin velocities and angular velocities of every body from qvel and the current poses.</summary>
    public void UpdateVelocities()
    {
        Vx[0] = Vy[0] = Omega[0] = 0;
        Vx[Pelvis] = _qvel[PelvisTx];
        Vy[Pelvis] = _qvel[PelvisTy];
        Omega[Pelvis] = _qvel[PelvisTilt];
        Chain(FemurR, Pelvis, _qvel[HipR]);
        Chain(TibiaR, FemurR, _qvel[KneeR]);
        VectorToWorld(FemurR, _qvel[KneeTxR], _qvel[KneeTyR], out double sx, out double sy);
        Vx[TibiaR] += sx;
        Vy[TibiaR] += sy;
        Chain(TalusR, TibiaR, _qvel[AnkleR]);
        Chain(CalcnR, TalusR, 0);
        Chain(ToesR, CalcnR, 0);
        Chain(FemurL, Pelvis, _qvel[HipL]);
        Chain(TibiaL, FemurL, _qvel[KneeL]);
        VectorToWorld(FemurL, _qvel[KneeTxL], _qvel[KneeTyL], out sx, out sy);
        Vx[TibiaL] += sx;
        Vy[TibiaL] += sy;
        Chain(TalusL, TibiaL, _qvel[AnkleL]);
        Chain(CalcnL, TalusL, 0);
        Chain(ToesL, CalcnL, 0);
        Chain(Torso, Pelvis, 0);
        Chain(Head, Torso, 0);
        for (int b = 0; b < BodyCount; b++)
        {
            ref Frame f = ref Frames[b];
            f.X = _xpos[3 * b];
            f.Y = _xpos[3 * b + 1];
            f.Z = _xpos[3 * b + 2];
            f.Cos = _xmat[9 * b];
            f.Sin = _xmat[9 * b + 3];
            f.Vx = Vx[b];
            f.Vy = Vy[b];
            f.Omega = Omega[b];
        }
    }

    private void Chain(int body, int parent, double jointRate)
    {
        double dx = _xpos[3 * body] - _xpos[3 * parent], dy = _xpos[3 * body + 1] - _xpos[3 * parent + 1];
        double w = Omega[parent];
        Vx[body] = Vx[parent] - w * dy;
        Vy[body] = Vy[parent] + w * dx;
        Omega[body] = w + jointRate;
    }

    /// <summary>Centre of mass of the skeleton and its velocity (obstacle bodies are added by the env).</summary>
    public void CenterOfMass(out double x, out double y, out double vx, out double vy)
    {
        double mx = 0, my = 0, mvx = 0, mvy = 0;
        for (int b = 1; b < BodyCount; b++)
        {
            double m = _mass[b];
            if (m == 0) continue;
            PointToWorld(b, _comLocal[3 * b], _comLocal[3 * b + 1], _comLocal[3 * b + 2], out double cx, out double cy, out _);
            PointVelocity(b, cx, cy, out double cvx, out double cvy);
            mx += m * cx;
            my += m * cy;
            mvx += m * cvx;
            mvy += m * cvy;
        }
        x = mx / TotalMass;
        y = my / TotalMass;
        vx = mvx / TotalMass;
        vy = mvy / TotalMass;
    }

    // --- forces ---

    public void ClearForces()
    {
        // Plain loops: for arrays this short a memset call costs more than the stores (issue 15 profile).
        for (int b = 0; b < BodyCount; b++) _fx[b] = _fy[b] = _mz[b] = 0;
        for (int j = 0; j < Dofs; j++) _extra[j] = 0;
        if (_damped) NativeClear(_damping, _nM);
        _damped = false;
    }

    /// <summary>Adds a force (fx, fy) acting at world point (px, py) on a body.</summary>
    public void AddPointForce(int body, double px, double py, double fx, double fy)
    {
        _fx[body] += fx;
        _fy[body] += fy;
        _mz[body] += px * fy - py * fx;
    }

    /// <summary>Adds a generalized force directly on a dof (ligaments, moving path points).</summary>
    public void AddGeneralizedForce(int dof, double f) => _extra[dof] += f;

    /// <summary>Maps the accumulated forces to qfrc_applied: τ_j = Σ_{bodies below j} (M_z − c_j × F) for hinges, F·axis for slides.</summary>
    public void WriteGeneralizedForces()
    {
        // Subtree sums, leaves first (bodies are ordered parent before child).
        Span<double> sfx = stackalloc double[BodyCount], sfy = stackalloc double[BodyCount], smz = stackalloc double[BodyCount];
        for (int b = 0; b < BodyCount; b++) sfx[b] = sfy[b] = smz[b] = 0;
        for (int b = BodyCount - 1; b >= 1; b--)
        {
            sfx[b] += _fx[b];
            sfy[b] += _fy[b];
            smz[b] += _mz[b];
            int p = Parent[b];
            if (p >= 1)
            {
                sfx[p] += sfx[b];
                sfy[p] += sfy[b];
                smz[p] += smz[b];
            }
        }
        _qfrc[PelvisTx] = sfx[Pelvis] + _extra[PelvisTx];
        _qfrc[PelvisTy] = sfy[Pelvis] + _extra[PelvisTy];
        _qfrc[PelvisTilt] = Hinge(Pelvis, sfx, sfy, smz) + _extra[PelvisTilt];
        Leg(FemurR, TibiaR, TalusR, HipR, KneeTxR, KneeTyR, KneeR, AnkleR, sfx, sfy, smz);
        Leg(FemurL, TibiaL, TalusL, HipL, KneeTxL, KneeTyL, KneeL, AnkleL, sfx, sfy, smz);
    }

    private void Leg(int femur, int tibia, int talus, int hip, int ktx, int kty, int knee, int ankle,
        Span<double> sfx, Span<double> sfy, Span<double> smz)
    {
        _qfrc[hip] = Hinge(femur, sfx, sfy, smz) + _extra[hip];
        VectorToWorld(femur, 1, 0, out double ax, out double ay);
        _qfrc[ktx] = sfx[tibia] * ax + sfy[tibia] * ay + _extra[ktx];
        VectorToWorld(femur, 0, 1, out ax, out ay);
        _qfrc[kty] = sfx[tibia] * ax + sfy[tibia] * ay + _extra[kty];
        _qfrc[knee] = Hinge(tibia, sfx, sfy, smz) + _extra[knee];
        _qfrc[ankle] = Hinge(talus, sfx, sfy, smz) + _extra[ankle];
    }

    // Joint at the body's origin (every hinge of the model has its anchor there).
    private double Hinge(int body, Span<double> sfx, Span<double> sfy, Span<double> smz) =>
        smz[body] - (_xpos[3 * body] * sfy[body] - _xpos[3 * body + 1] * sfx[body]);

    // --- velocity-implicit step with the knee coupling ---

    /// <summary>
    /// Adds ∂f/∂v of a force acting at world point (px, py) on <paramref name="body"/> whose x component depends on
    /// the point's x velocity with slope <paramref name="kxx"/> and whose y component on its y velocity with slope
    /// <paramref name="kyy"/> (both ≤ 0 for dissipative forces): D += Jᵀ·diag(kxx, kyy)·J.
    /// </summary>
    public void AddPointDamping(int body, double px, double py, double kxx, double kyy)
    {
        int* dofs = stackalloc int[8];
        double* jx = stackalloc double[8];
        double* jy = stackalloc double[8];
        int n = PointJacobian(body, px, py, new Span<int>(dofs, 8), new Span<double>(jx, 8), new Span<double>(jy, 8));
        // The Jacobian's dofs are one root-to-leaf chain, so the ancestors of dofs[a] are dofs[a−1], …, dofs[0]:
        // exactly the order of row dofs[a] in MuJoCo's sparse layout (itself, parent, grandparent, …). Only that
        // lower half is stored; D is symmetric.
        for (int a = 0; a < n; a++)
        {
            double rx = jx[a] * kxx, ry = jy[a] * kyy;
            double* row = _damping + _madr[dofs[a]];
            for (int t = 0; t <= a; t++) row[t] += rx * jx[a - t] + ry * jy[a - t];
        }
        _damped = true;
    }

    /// <summary>Adds ∂f_j/∂v_j of a generalized force on one dof (ligament damping).</summary>
    public void AddDofDamping(int dof, double d)
    {
        if (d == 0) return;
        _damping[_madr[dof]] += d;
        _damped = true;
    }

    /// <summary>∂p/∂q of a world point on a body: the dofs of its chain and the x, y columns.</summary>
    private int PointJacobian(int body, double px, double py, Span<int> dofs, Span<double> jx, Span<double> jy)
    {
        int n = 0;
        dofs[n] = PelvisTx; jx[n] = 1; jy[n] = 0; n++;
        dofs[n] = PelvisTy; jx[n] = 0; jy[n] = 1; n++;
        if (body == Torso || body == Head || body == Pelvis)
        {
            Rotation(Pelvis, PelvisTilt, px, py, dofs, jx, jy, ref n);
            return n;
        }
        Rotation(Pelvis, PelvisTilt, px, py, dofs, jx, jy, ref n);
        bool right = body <= ToesR;
        int femur = right ? FemurR : FemurL, tibia = right ? TibiaR : TibiaL, talus = right ? TalusR : TalusL;
        Rotation(femur, right ? HipR : HipL, px, py, dofs, jx, jy, ref n);
        if (body == femur) return n;
        VectorToWorld(femur, 1, 0, out double ax, out double ay);
        dofs[n] = right ? KneeTxR : KneeTxL; jx[n] = ax; jy[n] = ay; n++;
        VectorToWorld(femur, 0, 1, out ax, out ay);
        dofs[n] = right ? KneeTyR : KneeTyL; jx[n] = ax; jy[n] = ay; n++;
        Rotation(tibia, right ? KneeR : KneeL, px, py, dofs, jx, jy, ref n);
        if (body == tibia) return n;
        Rotation(talus, right ? AnkleR : AnkleL, px, py, dofs, jx, jy, ref n);
        return n;
    }

    private void Rotation(int jointBody, int dof, double px, double py, Span<int> dofs, Span<double> jx, Span<double> jy, ref int n)
    {
        dofs[n] = dof;
        jx[n] = -(py - _xpos[3 * jointBody + 1]);
        jy[n] = px - _xpos[3 * jointBody];
        n++;
    }

    /// <summary>
    /// Solves the velocity-implicit step with the knees held on their splines,
    /// (M − h·D) Δv = h·(f + J_cᵀ μ), J_c Δv = h·s''·q̇², and keeps Δv and μ for <see cref="Integrate"/> (the planar
    /// engine adds Δv directly; for MuJoCo it writes the qfrc_applied = M·Δv/h − f_passive + f_bias that makes
    /// MuJoCo's Euler step land on it, its qacc = M⁻¹(qfrc_applied + passive − bias) being exactly Δv/h). D = ∂f/∂v gathers the stiff damping
    /// of the model: Hunt–Crossley dissipation and friction (whose slope below the 0.1 m/s transition velocity
    /// is 8 N per (m/s) per newton of normal force) on the light feet, and ligament damping. Treated explicitly
    /// they bound the substep far below 1 ms (friction rate ~10⁴/s); treated implicitly (linearly implicit Euler)
    /// they do not. J_c are the rows of g = q_slide − s(q_knee) (OpenSim's CustomJoint coupling), solved exactly
    /// rather than through MuJoCo's soft equality constraints; positions and velocities are projected back onto
    /// the splines after each step (<see cref="ProjectKnees"/>).
    /// </summary>
    public void SolveImplicitStep(double h)
    {
        const int n = Dofs;
        double* bias = _data.QfrcBias;
        double* passive = _data.QfrcPassive;
        KneeRows(0, KneeR);
        KneeRows(2, KneeL);
        for (int j = 0; j < n; j++) _x0[j] = h * (_qfrc[j] + passive[j] - bias[j]);
        NativeClear(_columns, 4 * n);
        for (int r = 0; r < 4; r++)
        {
            _columns[r * n + _rowSlide[r]] = 1;
            _columns[r * n + _rowKnee[r]] = -_rowSlope[r];
        }
        // A = M − h·D is symmetric positive definite (D is a sum of dissipative, symmetric terms; D = 0 with the feet in
        // the air and the joints inside their limits). With A = L'·D·L: Y = L'⁻¹·J_cᵀ and y = L'⁻¹·x0 in one call (the
        // 4 columns and x0 are contiguous), then J_c·A⁻¹·J_cᵀ = Yᵀ·D⁻¹·Y and J_c·A⁻¹·x0 = Yᵀ·D⁻¹·y, and only the single
        // vector y + Y·μ takes the second half of the solve (issue 15: 1 + 5 half solves instead of 5 whole ones).
        if (!_data.FactorShiftedMassSparse(_damping, h, _matrix))
            throw new ArithmeticException("the implicit step's matrix M − h·D is not positive definite");
        _data.SolveFactorUpper(_matrix, _columns, 5);
        for (int j = 0; j < n; j++) _work[j] = 1 / _matrix[_madr[j]];
        // The 4×4 system J_c·A⁻¹·J_cᵀ·μ = h·s''·q̇² − J_c·A⁻¹·x0 (symmetric positive definite).
        for (int r = 0; r < 4; r++)
        {
            double* yr = _columns + r * n;
            double b = 0;
            for (int j = 0; j < n; j++) b += yr[j] * _work[j] * _x0[j];
            _mu[r] = h * _rowRhs[r] - b;
            for (int c = 0; c <= r; c++)
            {
                double* yc = _columns + c * n;
                double v = 0;
                for (int j = 0; j < n; j++) v += yr[j] * _work[j] * yc[j];
                _small[r * 4 + c] = v;
                _small[c * 4 + r] = v;
            }
        }
        Cholesky(_small, 4);
        fixed (double* mu = _mu) CholeskySolve(_small, mu, 4);
        for (int j = 0; j < n; j++)
        {
            double z = _x0[j];
            for (int r = 0; r < 4; r++) z += _columns[r * n + j] * _mu[r];
            _dv[j] = z;
        }
        _data.SolveFactorLower(_matrix, _dv, 1);
    }

    /// <summary>
    /// MuJoCo engine only: qfrc_applied such that mj_step2's Euler step lands on the implicit step's Δv. M·Δv/h =
    /// f + Jᵀμ/h + D·Δv, so that force is qfrc + Jᵀμ/h + D·Δv (the planar engine adds Δv itself and skips this).
    /// </summary>
    private void WriteImplicitStepForce(double h)
    {
        const int n = Dofs;
        double invH = 1 / h;
        for (int r = 0; r < 4; r++)
        {
            _qfrc[_rowSlide[r]] += _mu[r] * invH;
            _qfrc[_rowKnee[r]] -= _rowSlope[r] * _mu[r] * invH;
        }
        if (_damped)
        {
            // D·Δv from the stored lower half: entry (i, j), j an ancestor of i, acts on both i and j.
            int* parent = _parent;
            for (int i = 0; i < n; i++)
            {
                double* row = _damping + _madr[i];
                _qfrc[i] += row[0] * _dv[i];
                int t = 1;
                for (int j = parent[i]; j >= 0; j = parent[j], t++)
                {
                    _qfrc[i] += row[t] * _dv[j];
                    _qfrc[j] += row[t] * _dv[i];
                }
            }
        }
    }

    /// <summary>The two spline rows of one knee: slopes s'(q) and right-hand sides s''(q)·q̇² (splines evaluated by the last projection).</summary>
    private void KneeRows(int row, int knee)
    {
        int side = row / 2;
        if (_qpos[knee] != _splineAt[side]) EvaluateKneeSplines(side, knee);
        double qd = _qvel[knee];
        _rowSlope[row] = _spline[side * 6 + 1];
        _rowRhs[row] = _spline[side * 6 + 2] * qd * qd;
        _rowSlope[row + 1] = _spline[side * 6 + 4];
        _rowRhs[row + 1] = _spline[side * 6 + 5] * qd * qd;
    }

    // tx, tx', tx'', ty, ty', ty'' of each knee at the angle _splineAt[side]; the projection after a step and the
    // constraint rows of the next step need them at the same angle.
    private readonly double[] _spline = new double[12];
    private readonly double[] _splineAt = { double.NaN, double.NaN };

    private void EvaluateKneeSplines(int side, int knee)
    {
        double q = _qpos[knee];
        _spline[side * 6] = Gait9dof18musc.KneeTx.Evaluate(q, out _spline[side * 6 + 1], out _spline[side * 6 + 2]);
        _spline[side * 6 + 3] = Gait9dof18musc.KneeTy.Evaluate(q, out _spline[side * 6 + 4], out _spline[side * 6 + 5]);
        _splineAt[side] = q;
    }

    private static void NativeClear(double* p, int count)
    {
        for (int i = 0; i < count; i++) p[i] = 0;
    }

    /// <summary>In-place Cholesky factorisation (lower triangle) of a symmetric positive definite n×n row-major matrix.</summary>
    private static void Cholesky(double* a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double* rj = a + j * n;
            double d = rj[j];
            for (int k = 0; k < j; k++) d -= rj[k] * rj[k];
            if (!(d > 0)) throw new ArithmeticException($"implicit step matrix is not positive definite (pivot {j} = {d})");
            d = Math.Sqrt(d);
            rj[j] = d;
            double inv = 1 / d;
            for (int i = j + 1; i < n; i++)
            {
                double* ri = a + i * n;
                double sum = ri[j];
                for (int k = 0; k < j; k++) sum -= ri[k] * rj[k];
                ri[j] = sum * inv;
            }
        }
    }

    private static void CholeskySolve(double* l, double* b, int n)
    {
        for (int i = 0; i < n; i++)
        {
            double* ri = l + i * n;
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= ri[k] * b[k];
            b[i] = sum / ri[i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < n; k++) sum -= l[k * n + i] * b[k];
            b[i] = sum / l[i * n + i];
        }
    }

    /// <summary>Puts each knee's slide positions and velocities back on the splines.</summary>
    public void ProjectKnees()
    {
        Project(KneeTxR, KneeTyR, KneeR);
        Project(KneeTxL, KneeTyL, KneeL);
    }

    private void Project(int tx, int ty, int knee)
    {
        int side = knee == KneeR ? 0 : 1;
        EvaluateKneeSplines(side, knee);
        double qd = _qvel[knee];
        _qpos[tx] = _spline[side * 6];
        _qpos[ty] = _spline[side * 6 + 3];
        _qvel[tx] = _spline[side * 6 + 1] * qd;
        _qvel[ty] = _spline[side * 6 + 4] * qd;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _data.Dispose();
        System.Runtime.InteropServices.NativeMemory.AlignedFree(_damping);
    }
}
