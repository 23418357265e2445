using RL.Envs.LearningToRun.Model;

namespace RL.Envs.LearningToRun.Muscles;

/// <summary>
/// OpenSim 4.0's Thelen2003Muscle with its fixed-width pennation and first-order activation models, as the
/// 2017 runtime computed them (l2r-environment.md §2.7; opensim-core Thelen2003Muscle.cpp,
/// MuscleFixedWidthPennationModel.cpp, MuscleFirstOrderActivationDynamicModel.cpp). The tendon is elastic and
/// the fiber velocity comes from inverting the force–velocity curve (an equilibrium model), linearly
/// extrapolated outside Thelen's Eq. 6 domain. Forces are normalised by F_max unless a name says otherwise.
/// Per-muscle constants only: the states (activation, fiber length) live in the simulator's arrays.
/// </summary>
public sealed class ThelenMuscle
{
    // eToe = 99·e0·e³/(166·e³ − 67) and k_lin = 0.67/(e0 − eToe): the exact values behind Thelen's rounded
    // "0.609·e0" (comment in Thelen2003Muscle::calcfse).
    private static readonly double E3 = Math.Exp(3);
    private const double Ftoe = 0.33, Ktoe = 3;
    private static readonly double ToeScale = Ftoe / (Math.Exp(Ktoe) - 1);

    public ThelenMuscle(MuscleSpec spec)
    {
        Spec = spec;
        Name = spec.Name;
        MaxIsometricForce0 = spec.MaxIsometricForce;
        MaxIsometricForce = spec.MaxIsometricForce;
        OptimalFiberLength = spec.OptimalFiberLength;
        TendonSlackLength = spec.TendonSlackLength;
        FmaxTendonStrain = spec.FmaxTendonStrain;
        EToe = 99 * FmaxTendonStrain * E3 / (166 * E3 - 67);
        KLin = 0.67 / (FmaxTendonStrain - EToe);
        FmaxMuscleStrain = spec.FmaxMuscleStrain;
        KshapePassive = spec.KshapePassive;
        PassiveDenominator = Math.Exp(KshapePassive) - 1;
        ParallelogramHeight = OptimalFiberLength * Math.Sin(spec.PennationAngle);
        MaximumSinPennation = Math.Sin(Gait9dof18musc.MaximumPennationAngle);
        MinimumFiberLength = ParallelogramHeight / MaximumSinPennation;
        VelocityScale = Gait9dof18musc.MaxContractionVelocity * OptimalFiberLength;
    }

    public MuscleSpec Spec { get; }
    public string Name { get; }

    /// <summary>F_max from the model file; the episode's value is this times its strength factor (§3.5).</summary>
    public double MaxIsometricForce0 { get; }

    /// <summary>F_max of the current episode (strength factor applied by reset, as osim-rl's set_strength did).</summary>
    public double MaxIsometricForce { get; set; }

    public double OptimalFiberLength { get; }
    public double TendonSlackLength { get; }
    public double FmaxTendonStrain { get; }
    public double EToe { get; }
    public double KLin { get; }
    public double FmaxMuscleStrain { get; }
    public double KshapePassive { get; }
    private double PassiveDenominator { get; }
    public double ParallelogramHeight { get; }
    public double MaximumSinPennation { get; }
    public double MinimumFiberLength { get; }
    private double VelocityScale { get; }

    // --- activation dynamics (MuscleFirstOrderActivationDynamicModel::calcDerivative) ---

    /// <summary>
    /// da/dt for activation state <paramref name="a"/> and excitation <paramref name="u"/>. The state is clamped to
    /// [0.01, 1] inside the formula only; u is not clamped, so with u &lt; 0.01 the state drifts below 0.01 as in 2017.
    /// </summary>
    public static double ActivationRate(double a, double u)
    {
        double ac = ClampActivation(a);
        double tau = u > ac
            ? Gait9dof18musc.ActivationTimeConstant * (0.5 + 1.5 * ac)
            : Gait9dof18musc.DeactivationTimeConstant / (0.5 + 1.5 * ac);
        return (u - ac) / tau;
    }

    /// <summary>
    /// Activation after <paramref name="dt"/> under constant excitation <paramref name="u"/>: one classical Runge–Kutta
    /// step. The midpoint rule used before left the activation 1.1e-3 below OpenSim's after the first env step at
    /// u = 0.5 (0.3596 vs 0.36074; OpenSim's error-controlled integrator and a converged solution agree on 0.360737);
    /// with RK4 at 1 ms every activation stays within 1.1e-6 of OpenSim's over the first 50 steps (issue 15).
    /// </summary>
    public static double StepActivation(double a, double u, double dt)
    {
        double k1 = ActivationRate(a, u);
        double k2 = ActivationRate(a + 0.5 * dt * k1, u);
        double k3 = ActivationRate(a + 0.5 * dt * k2, u);
        double k4 = ActivationRate(a + dt * k3, u);
        return a + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }

    public static double ClampActivation(double a) => Math.Clamp(a, Gait9dof18musc.MinimumActivation, 1.0);

    // --- tendon (Thelen2003Muscle::calcfse, calcDfseDtlN) ---

    public double TendonForce(double strain, out double dStrain)
    {
        if (strain > EToe)
        {
            dStrain = KLin;
            return KLin * (strain - EToe) + Ftoe;
        }
        if (strain > 0)
        {
            double e = Math.Exp(Ktoe * strain / EToe);
            dStrain = ToeScale * (Ktoe / EToe) * e;
            return ToeScale * (e - 1);
        }
        dStrain = 0;
        return 0;
    }

    // --- active and passive force-length (calcfal, calcfpe) ---

    public static double ActiveForceLength(double lN, out double dlN)
    {
        double x = lN - 1;
        double f = Math.Exp(-x * x / Gait9dof18musc.KshapeActive);
        dlN = -2 * x / Gait9dof18musc.KshapeActive * f;
        return f;
    }

    public double PassiveForceLength(double lN, out double dlN)
    {
        if (lN > 1)
        {
            double e = Math.Exp(KshapePassive * (lN - 1) / FmaxMuscleStrain);
            dlN = KshapePassive / FmaxMuscleStrain * e / PassiveDenominator;
            return (e - 1) / PassiveDenominator;
        }
        dlN = 0;
        return 0;
    }

    // --- inverse force-velocity (Thelen2003Muscle::calcdlceN) ---

    /// <summary>
    /// Normalised fiber velocity for clamped activation <paramref name="a"/>, active force-length <paramref name="fal"/>
    /// and the force the fiber must carry, Fm = fse/cos φ − fpe (= a·fal·fv). Outside (0, 0.95·Flen·a·fal) the
    /// curve is extrapolated linearly from its boundary. Also returns ∂/∂Fm and ∂/∂(a·fal).
    /// </summary>
    public static double NormalizedFiberVelocity(double a, double fal, double fm, out double dFm, out double dAfl)
    {
        const double af = Gait9dof18musc.Af, flen = Gait9dof18musc.Flen, thr = Gait9dof18musc.FvLinearExtrapolationThreshold;
        const double eccentric = (2 + 2 / af) / (flen - 1);
        double k = 0.25 + 0.75 * a;
        double afl = a * fal;
        double asyE = afl * flen;
        if (fm > 0 && fm < asyE * thr)
        {
            double b, dbdFm, dbdAfl;
            if (fm <= afl)
            {
                b = afl + fm / af;
                dbdFm = 1 / af;
                dbdAfl = 1;
            }
            else
            {
                b = eccentric * (asyE - fm);
                dbdFm = -eccentric;
                dbdAfl = eccentric * flen;
            }
            double v = k * (fm - afl) / b;
            dFm = k / b - v / b * dbdFm;
            dAfl = -k / b - v / b * dbdAfl;
            return v;
        }
        // Linear extrapolation from the last valid point Fm0 of Eq. 6 (0 or 0.95·Flen·a·fal).
        double fm0, b0, db0, dfm0dAfl, db0dAfl;
        if (fm <= 0)
        {
            fm0 = 0;
            b0 = afl;
            db0 = 1 / af;
            dfm0dAfl = 0;
            db0dAfl = 1;
        }
        else
        {
            fm0 = thr * asyE;
            b0 = eccentric * (asyE - fm0);
            db0 = -eccentric;
            dfm0dAfl = thr * flen;
            db0dAfl = eccentric * flen * (1 - thr);
        }
        double v0 = k * (fm0 - afl) / b0;
        double slope = k / b0 - k * (fm0 - afl) / (b0 * b0) * db0;
        dFm = slope;
        // d/dAfl of v0 + slope·(fm − fm0), with fm0, b0 depending on afl (db0 does not).
        double dv0 = k * (dfm0dAfl - 1) / b0 - k * (fm0 - afl) / (b0 * b0) * db0dAfl;
        double dslope = -k / (b0 * b0) * db0dAfl
                        - k * db0 * ((dfm0dAfl - 1) / (b0 * b0) - 2 * (fm0 - afl) / (b0 * b0 * b0) * db0dAfl);
        dAfl = dv0 + dslope * (fm - fm0) - slope * dfm0dAfl;
        return v0 + slope * (fm - fm0);
    }

    // --- the fiber state equation ---

    /// <summary>Quantities of one muscle at a fiber length and path length (Thelen2003Muscle::calcMuscleLengthInfo / calcFiberVelocityInfo).</summary>
    public struct Evaluation
    {
        public double FiberLength;        // clamped to the minimum fiber length
        public double CosPennation;
        public double TendonLength;
        public double TendonForce;        // normalised (fse)
        public double ActiveForceLength;
        public double PassiveForceLength;
        public double FiberVelocity;      // m/s, 0 when clamped at minimum length and shortening
        public double DFiberVelocity;     // ∂(fiber velocity)/∂(fiber length state) in 1/s
        public double DTendonForce;       // ∂fse/∂(fiber length state) in 1/m
        public double DTendonForceDPath;  // ∂fse/∂(path length) in 1/m
        public double DFiberVelocityDPath;// ∂(fiber velocity)/∂(path length) in 1/s
        public bool Clamped;
    }

    /// <summary>Evaluates the muscle at fiber-length state <paramref name="lce"/>, path length <paramref name="path"/> and clamped activation <paramref name="a"/>.</summary>
    public void Evaluate(double lce, double path, double a, ref Evaluation e)
    {
        bool atMinimum = lce <= MinimumFiberLength;
        double l = atMinimum ? MinimumFiberLength : lce;
        double h = ParallelogramHeight;
        double cos, dInvCos; // d(1/cos φ)/dl
        double dAlongDl;      // d(l cos φ)/dl
        if (h > 1e-16)
        {
            double sin = h / l;
            if (sin < MaximumSinPennation)
            {
                cos = Math.Sqrt(1 - sin * sin);
                dAlongDl = 1 / cos;
                dInvCos = -h * h / (l * l * l * cos * cos * cos);
            }
            else
            {
                cos = Math.Sqrt(1 - MaximumSinPennation * MaximumSinPennation);
                dAlongDl = cos;
                dInvCos = 0;
            }
        }
        else
        {
            cos = 1;
            dAlongDl = 1;
            dInvCos = 0;
        }
        if (atMinimum)
        {
            dAlongDl = 0;
            dInvCos = 0;
        }
        double lt = path - l * cos;
        double fse = TendonForce(lt / TendonSlackLength - 1, out double dfse);
        double lN = l / OptimalFiberLength;
        double fal = ActiveForceLength(lN, out double dfal);
        double fpe = PassiveForceLength(lN, out double dfpe);
        if (atMinimum)
        {
            dfal = 0;
            dfpe = 0;
        }
        double fm = fse / cos - fpe;
        double vN = NormalizedFiberVelocity(a, fal, fm, out double dvdFm, out double dvdAfl);

        double dfseDl = dfse * (-dAlongDl) / TendonSlackLength;
        double dfseDpath = dfse / TendonSlackLength;
        double dFmDl = dfseDl / cos + fse * dInvCos - dfpe / OptimalFiberLength;
        double dvDl = dvdFm * dFmDl + dvdAfl * a * dfal / OptimalFiberLength;
        double dvDpath = dvdFm * dfseDpath / cos;

        e.FiberLength = l;
        e.CosPennation = cos;
        e.TendonLength = lt;
        e.TendonForce = fse;
        e.ActiveForceLength = fal;
        e.PassiveForceLength = fpe;
        e.DTendonForce = dfseDl;
        e.DTendonForceDPath = dfseDpath;
        // At the minimum length a shortening fiber stops (Thelen2003Muscle::isFiberStateClamped).
        e.Clamped = atMinimum && vN <= 0;
        e.FiberVelocity = e.Clamped ? 0 : vN * VelocityScale;
        e.DFiberVelocity = e.Clamped ? 0 : dvDl * VelocityScale;
        e.DFiberVelocityDPath = e.Clamped ? 0 : dvDpath * VelocityScale;
    }

    /// <summary>
    /// One backward-Euler step of the fiber length over <paramref name="dt"/>: solves l = l0 + dt·v(l; a, path) by
    /// Newton iteration from l0, and leaves in <paramref name="e"/> the evaluation at the solution (its tendon
    /// force corrected to first order for the last, tiny Newton step, which saves one evaluation). The fiber
    /// equation is stiff (time constants down to tens of µs at reset, when the 2017 initial state leaves tendons
    /// stretched to 147 kN), so an explicit step would need dt ≪ 0.1 ms. Expects <paramref name="e"/> to hold
    /// the evaluation at (l0, path, a) when <paramref name="evaluated"/> is true.
    /// </summary>
    public double StepFiberLength(double l0, double path, double a, double dt, ref Evaluation e, bool evaluated = false) =>
        StepFiberLength(l0, l0, path, a, dt, ref e, evaluated);

    /// <summary>
    /// As above, with Newton started from <paramref name="start"/> instead of l0 (a predictor such as l0 + dt·v of the
    /// previous substep, which usually leaves one Newton step fewer); <paramref name="e"/> then holds the evaluation at
    /// (start, path, a) when <paramref name="evaluated"/> is true. The solution is the same to the tolerance.
    /// </summary>
    public double StepFiberLength(double l0, double start, double path, double a, double dt, ref Evaluation e, bool evaluated)
    {
        // m; Newton converges quadratically, so after the last step (applied with its first-order force correction)
        // the fiber length is accurate to ~tol²/(curvature scale ~1 cm) ≈ 1e-10 m.
        const double tolerance = 1e-6;
        double l = start;
        if (!evaluated) Evaluate(l, path, a, ref e);
        double floor = Math.Max(MinimumFiberLength, 1e-6);
        for (int iteration = 0; iteration < 50; iteration++)
        {
            double g = l - l0 - dt * e.FiberVelocity;
            double dg = 1 - dt * e.DFiberVelocity;
            if (!(dg > 1e-12)) dg = 1; // outside the monotone region: fall back to a fixed-point step
            double delta = -g / dg;
            // Keep the iterate physical: never jump below the minimum length.
            if (l + delta < floor) delta = 0.5 * (floor - l);
            if (Math.Abs(delta) < tolerance)
            {
                e.TendonForce += e.DTendonForce * delta;
                return l + delta;
            }
            l += delta;
            Evaluate(l, path, a, ref e);
        }
        return l;
    }
}
