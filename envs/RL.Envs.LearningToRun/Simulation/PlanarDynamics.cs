using RL.MuJoCo;

namespace RL.Envs.LearningToRun.Simulation;

/// <summary>
/// What mj_step1 computes for this model, in the plane: body poses (xpos, xmat), the joint-space inertia qM (MuJoCo's
/// sparse layout) and the bias forces qfrc_bias = C(q, q̇)·q̇ + g(q). Every rotation of gait9dof18musc is about z and
/// every slide lies in the xy plane, so each spatial quantity has three components instead of six: motions
/// (ω, vₓ, v_y) and forces (n_z, fₓ, f_y), all taken at the world origin (Featherstone, Rigid Body Dynamics
/// Algorithms, 2008, §2.16 for planar vectors, §6.2 the composite-rigid-body algorithm, §5.3 the recursive
/// Newton–Euler algorithm). Out-of-plane terms (the bodies' z offsets, Ixz, Iyz) produce forces along no dof and
/// drop out exactly. The numbers come from the compiled MjModel, which the constructor checks is planar; issue 15
/// measured MuJoCo's own general 3-D step at ~40 % of an env step, and <c>PlanarDynamicsTests</c> compare every
/// output with mj_step1's at random states.
/// </summary>
public sealed unsafe class PlanarDynamics
{
    private const int Slide = 2, Hinge = 3; // mjtJoint

    private readonly int _nbody, _nv, _nM;
    private readonly int[] _parent;
    private readonly double[] _posX, _posY, _posZ, _fixedAngle, _fixedCos, _fixedSin;
    private readonly double[] _mass, _comX, _comY, _izz;
    private readonly int[] _firstDof, _dofCount;
    private readonly bool[] _hinge;
    private readonly double[] _axisX, _axisY, _hingeSign; // slide axis in its body frame; hinge axis ±z
    private readonly int[] _dofBody, _dofParent, _madr;
    private readonly double _gx, _gy;

    // Work space: body angle and origin, spatial axes S of each dof, body velocities, velocity-product accelerations,
    // spatial inertias at the origin (m, hₓ, h_y, I_O) and their composites, and net body forces.
    private readonly double[] _angle, _x, _y, _z;
    private readonly double[] _sw, _sx, _sy;
    private readonly double[] _vw, _vx, _vy, _aw, _ax, _ay;
    private readonly double[] _m, _hx, _hy, _io;
    private readonly double[] _fw, _fx, _fy;

    public PlanarDynamics(MjModel model)
    {
        _nbody = model.Nbody;
        _nv = model.Nv;
        _nM = model.NM;
        if (model.Nq != model.Nv) throw new InvalidOperationException($"planar dynamics: nq {model.Nq} ≠ nv {model.Nv} (only slide and hinge joints)");
        int* parent = model.Ints("body_parentid");
        int* jntnum = model.Ints("body_jntnum"), jntadr = model.Ints("body_jntadr");
        int* jntType = model.Ints("jnt_type"), jntDof = model.Ints("jnt_dofadr"), jntBody = model.Ints("jnt_bodyid");
        double* pos = model.Doubles("body_pos"), quat = model.Doubles("body_quat");
        double* ipos = model.Doubles("body_ipos"), iquat = model.Doubles("body_iquat");
        double* mass = model.Doubles("body_mass"), inertia = model.Doubles("body_inertia");
        double* axis = model.Doubles("jnt_axis"), anchor = model.Doubles("jnt_pos");
        double* armature = model.Doubles("dof_armature"), damping = model.Doubles("dof_damping"), stiffness = model.Doubles("jnt_stiffness");
        int* dofParent = model.Ints("dof_parentid"), madr = model.Ints("dof_Madr");
        double* gravity = model.Doubles("opt.gravity");

        _parent = new int[_nbody];
        _posX = new double[_nbody]; _posY = new double[_nbody]; _posZ = new double[_nbody]; _fixedAngle = new double[_nbody];
        _fixedCos = new double[_nbody]; _fixedSin = new double[_nbody];
        _mass = new double[_nbody]; _comX = new double[_nbody]; _comY = new double[_nbody]; _izz = new double[_nbody];
        _firstDof = new int[_nbody]; _dofCount = new int[_nbody];
        for (int b = 0; b < _nbody; b++)
        {
            _parent[b] = parent[b];
            if (b > 0 && parent[b] >= b) throw new InvalidOperationException($"planar dynamics: body {b}'s parent {parent[b]} does not come first");
            _posX[b] = pos[3 * b]; _posY[b] = pos[3 * b + 1]; _posZ[b] = pos[3 * b + 2];
            _fixedAngle[b] = AngleAboutZ(quat + 4 * b, $"body {b}'s frame");
            (_fixedSin[b], _fixedCos[b]) = Math.SinCos(_fixedAngle[b]);
            AngleAboutZ(iquat + 4 * b, $"body {b}'s inertia frame"); // checked for planarity only
            _mass[b] = mass[b];
            // A rotation of the principal axes about z leaves I_zz where it is.
            _izz[b] = inertia[3 * b + 2];
            // COM in the body frame, kept as x, y: its z offset moves no planar force.
            _comX[b] = ipos[3 * b]; _comY[b] = ipos[3 * b + 1];
            _dofCount[b] = jntnum[b];
            _firstDof[b] = jntnum[b] > 0 ? jntDof[jntadr[b]] : -1;
        }
        _hinge = new bool[_nv]; _axisX = new double[_nv]; _axisY = new double[_nv]; _hingeSign = new double[_nv];
        _dofBody = new int[_nv]; _dofParent = new int[_nv]; _madr = new int[_nv];
        for (int j = 0; j < model.Njnt; j++)
        {
            int d = jntDof[j], b = jntBody[j];
            if (d != _firstDof[b] + (j - jntadr[b])) throw new InvalidOperationException($"planar dynamics: joint {j}'s dof {d} is out of body order");
            double ax = axis[3 * j], ay = axis[3 * j + 1], az = axis[3 * j + 2];
            if (stiffness[j] != 0) throw new InvalidOperationException($"planar dynamics: joint {j} has stiffness (passive forces are not computed here)");
            switch (jntType[j])
            {
                case Slide:
                    if (az != 0) throw new InvalidOperationException($"planar dynamics: slide joint {j}'s axis leaves the xy plane");
                    _axisX[d] = ax; _axisY[d] = ay;
                    break;
                case Hinge:
                    if (ax != 0 || ay != 0 || Math.Abs(az) != 1) throw new InvalidOperationException($"planar dynamics: hinge joint {j} does not turn about z");
                    if (anchor[3 * j] != 0 || anchor[3 * j + 1] != 0) throw new InvalidOperationException($"planar dynamics: hinge joint {j} is not at its body's origin");
                    _hinge[d] = true;
                    _hingeSign[d] = az;
                    break;
                default:
                    throw new InvalidOperationException($"planar dynamics: joint {j} is neither a slide nor a hinge");
            }
        }
        for (int d = 0; d < _nv; d++)
        {
            if (armature[d] != 0 || damping[d] != 0) throw new InvalidOperationException($"planar dynamics: dof {d} has armature or damping (not computed here)");
            _dofParent[d] = dofParent[d];
            _madr[d] = madr[d];
        }
        for (int b = 0; b < _nbody; b++)
            for (int k = 0; k < _dofCount[b]; k++) _dofBody[_firstDof[b] + k] = b;
        if (gravity[2] != 0) throw new InvalidOperationException("planar dynamics: gravity leaves the xy plane");
        _gx = gravity[0]; _gy = gravity[1];

        _angle = new double[_nbody]; _x = new double[_nbody]; _y = new double[_nbody]; _z = new double[_nbody];
        _sw = new double[_nv]; _sx = new double[_nv]; _sy = new double[_nv];
        _vw = new double[_nbody]; _vx = new double[_nbody]; _vy = new double[_nbody];
        _aw = new double[_nbody]; _ax = new double[_nbody]; _ay = new double[_nbody];
        _m = new double[_nbody]; _hx = new double[_nbody]; _hy = new double[_nbody]; _io = new double[_nbody];
        _fw = new double[_nbody]; _fx = new double[_nbody]; _fy = new double[_nbody];
    }

    /// <summary>The angle of a unit quaternion that turns about z only; anything else is not planar.</summary>
    private static double AngleAboutZ(double* q, string what)
    {
        if (Math.Abs(q[1]) > 1e-12 || Math.Abs(q[2]) > 1e-12)
            throw new InvalidOperationException($"planar dynamics: {what} is rotated about an axis other than z");
        return 2 * Math.Atan2(q[3], q[0]);
    }

    /// <summary>
    /// Poses into <paramref name="xpos"/> and <paramref name="xmat"/> (nbody × 3 and × 9, as mjData), the inertia into
    /// <paramref name="qM"/> (nM, dof_Madr layout) and the bias forces into <paramref name="bias"/> (nv), for
    /// generalized positions <paramref name="qpos"/> and velocities <paramref name="qvel"/>.
    /// </summary>
    public void Forward(double* qpos, double* qvel, double* xpos, double* xmat, double* qM, double* bias)
    {
        // Kinematics and velocities, root first. The world is body 0; gravity enters as the world's acceleration −g.
        _angle[0] = _x[0] = _y[0] = _z[0] = 0;
        xmat[0] = xmat[4] = xmat[8] = 1;
        xmat[1] = xmat[2] = xmat[3] = xmat[5] = xmat[6] = xmat[7] = 0;
        xpos[0] = xpos[1] = xpos[2] = 0;
        _vw[0] = _vx[0] = _vy[0] = 0;
        _aw[0] = 0; _ax[0] = -_gx; _ay[0] = -_gy;
        for (int b = 1; b < _nbody; b++)
        {
            int p = _parent[b];
            double cp = xmat[9 * p], sp = xmat[9 * p + 3];
            double x = _x[p] + cp * _posX[b] - sp * _posY[b];
            double y = _y[p] + sp * _posX[b] + cp * _posY[b];
            double angle = _angle[p] + _fixedAngle[b];
            double vw = _vw[p], vx = _vx[p], vy = _vy[p];
            double aw = _aw[p], ax = _ax[p], ay = _ay[p];
            double c = cp, s = sp;
            if (_fixedAngle[b] != 0) (c, s) = (cp * _fixedCos[b] - sp * _fixedSin[b], sp * _fixedCos[b] + cp * _fixedSin[b]);
            for (int k = 0, d = _firstDof[b]; k < _dofCount[b]; k++, d++)
            {
                double sw, sx, sy;
                if (_hinge[d])
                {
                    // Rotation about z through the body's current origin: at the world origin it moves points by ω ẑ × (0 − o).
                    sw = _hingeSign[d]; sx = sw * y; sy = -sw * x;
                }
                else
                {
                    sw = 0; sx = c * _axisX[d] - s * _axisY[d]; sy = s * _axisX[d] + c * _axisY[d];
                }
                _sw[d] = sw; _sx[d] = sx; _sy[d] = sy;
                // Velocity-product acceleration of this joint: (v × S)·q̇ (Featherstone eq. 5.7; v × S = 0 for S itself).
                double qd = qvel[d];
                ax += (-vw * sy + sw * vy) * qd;
                ay += (vw * sx - sw * vx) * qd;
                vw += sw * qd; vx += sx * qd; vy += sy * qd;
                if (_hinge[d])
                {
                    angle += _hingeSign[d] * qpos[d];
                    (s, c) = Math.SinCos(angle);
                }
                else
                {
                    x += sx * qpos[d]; y += sy * qpos[d];
                }
            }
            _angle[b] = angle; _x[b] = x; _y[b] = y; _z[b] = _z[p] + _posZ[b];
            _vw[b] = vw; _vx[b] = vx; _vy[b] = vy;
            _aw[b] = aw; _ax[b] = ax; _ay[b] = ay;
            double* r = xmat + 9 * b;
            r[0] = c; r[1] = -s; r[2] = 0; r[3] = s; r[4] = c; r[5] = 0; r[6] = 0; r[7] = 0; r[8] = 1;
            xpos[3 * b] = x; xpos[3 * b + 1] = y; xpos[3 * b + 2] = _z[b];

            // Spatial inertia at the world origin: mass, first moment h = m·c and I_O = I_zz + m·|c|².
            double m = _mass[b];
            double cx = x + c * _comX[b] - s * _comY[b], cy = y + s * _comX[b] + c * _comY[b];
            double hx = m * cx, hy = m * cy, io = _izz[b] + m * (cx * cx + cy * cy);
            _m[b] = m; _hx[b] = hx; _hy[b] = hy; _io[b] = io;
            // Newton–Euler: f = I·a + v ×* (I·v), with I·v = (I_O ω − h_y vₓ + hₓ v_y, m vₓ − h_y ω, m v_y + hₓ ω); v ×* f
            // = (vₓ f_y − v_y fₓ, −ω f_y, ω fₓ) in the plane, so I·v's angular part drops out.
            double lx = m * vx - hy * vw, ly = m * vy + hx * vw;
            _fw[b] = io * aw - hy * ax + hx * ay + (vx * ly - vy * lx);
            _fx[b] = m * ax - hy * aw - vw * ly;
            _fy[b] = m * ay + hx * aw + vw * lx;
        }
        // Composites, leaves first: inertias (CRB) and forces (RNE's backward pass) of each subtree.
        for (int b = _nbody - 1; b >= 1; b--)
        {
            int p = _parent[b];
            if (p == 0) continue;
            _m[p] += _m[b]; _hx[p] += _hx[b]; _hy[p] += _hy[b]; _io[p] += _io[b];
            _fw[p] += _fw[b]; _fx[p] += _fx[b]; _fy[p] += _fy[b];
        }
        for (int i = 0; i < _nv; i++)
        {
            int b = _dofBody[i];
            double sw = _sw[i], sx = _sx[i], sy = _sy[i];
            bias[i] = sw * _fw[b] + sx * _fx[b] + sy * _fy[b];
            // F = I_c(b)·S_i; M_ij = S_j·F for j = i and its ancestors (MuJoCo's qM row i).
            double m = _m[b], hx = _hx[b], hy = _hy[b], io = _io[b];
            double fw = io * sw - hy * sx + hx * sy, fx = m * sx - hy * sw, fy = m * sy + hx * sw;
            double* row = qM + _madr[i];
            int t = 0;
            for (int j = i; j >= 0; j = _dofParent[j], t++) row[t] = _sw[j] * fw + _sx[j] * fx + _sy[j] * fy;
        }
    }
}
