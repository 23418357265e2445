using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Muscles;

namespace RL.Envs.LearningToRun.Tests;

/// <summary>Thelen2003 curves and constants against l2r-environment.md §2.7 and opensim-core Thelen2003Muscle.cpp.</summary>
public class MuscleModelTests
{
    private static ThelenMuscle Muscle(string name) => new(Gait9dof18musc.Muscles.Single(m => m.Name == name));

    [TestCase("hamstrings_r", 0.029822, 34.936)] // FmaxTendonStrain 0.049
    [TestCase("soleus_r", 0.060862, 17.119)]     // FmaxTendonStrain 0.1
    public void TendonToeStrainAndLinearStiffness(string name, double eToe, double kLin)
    {
        var m = Muscle(name);
        Assert.That(m.EToe, Is.EqualTo(eToe).Within(1e-6));
        Assert.That(m.KLin, Is.EqualTo(kLin).Within(1e-3));
        // Continuous at the toe, and F_max at FmaxTendonStrain; slack below zero strain.
        Assert.That(m.TendonForce(m.EToe, out _), Is.EqualTo(0.33).Within(1e-12));
        Assert.That(m.TendonForce(m.EToe + 1e-12, out _), Is.EqualTo(0.33).Within(1e-9));
        Assert.That(m.TendonForce(m.FmaxTendonStrain, out _), Is.EqualTo(1).Within(1e-12));
        Assert.That(m.TendonForce(-0.01, out double slope), Is.Zero);
        Assert.That(slope, Is.Zero);
    }

    [Test]
    public void ForceLengthCurves()
    {
        Assert.That(ThelenMuscle.ActiveForceLength(1, out double d), Is.EqualTo(1));
        Assert.That(d, Is.Zero);
        Assert.That(ThelenMuscle.ActiveForceLength(1.5, out _), Is.EqualTo(Math.Exp(-0.25 / 0.45)).Within(1e-15));
        Assert.That(ThelenMuscle.ActiveForceLength(0.5, out _), Is.EqualTo(0.573753).Within(1e-6));
        var hamstrings = Muscle("hamstrings_r"); // FmaxMuscleStrain 0.6, KshapePassive 5
        Assert.That(hamstrings.PassiveForceLength(1.0, out _), Is.Zero);
        Assert.That(hamstrings.PassiveForceLength(1.6, out _), Is.EqualTo(1).Within(1e-12));
        var vasti = Muscle("vasti_r");      // FmaxMuscleStrain 1.0, KshapePassive 9
        Assert.That(vasti.PassiveForceLength(2.0, out _), Is.EqualTo(1).Within(1e-12));
        Assert.That(vasti.PassiveForceLength(1.5, out _), Is.EqualTo((Math.Exp(4.5) - 1) / (Math.Exp(9) - 1)).Within(1e-15));
    }

    [TestCase(1.0)]
    [TestCase(0.3)]
    [TestCase(0.01)]
    public void ForceVelocityAtReferencePoints(double a)
    {
        double fal = 0.9, afl = a * fal, k = 0.25 + 0.75 * a;
        Assert.That(ThelenMuscle.NormalizedFiberVelocity(a, fal, afl, out _, out _), Is.EqualTo(0).Within(1e-15), "isometric");
        Assert.That(ThelenMuscle.NormalizedFiberVelocity(a, fal, 0, out _, out _), Is.EqualTo(-k).Within(1e-12), "zero force: maximum shortening");
        // The eccentric boundary 0.95·Flen·a·fal: b = (2 + 2/Af)·(Flen − 0.95·Flen)·afl/(Flen − 1) = 1.75·afl.
        double fm0 = 0.95 * 1.4 * afl;
        double expected = k * (fm0 - afl) / (1.75 * afl);
        Assert.That(ThelenMuscle.NormalizedFiberVelocity(a, fal, fm0 * (1 - 1e-12), out _, out _), Is.EqualTo(expected).Within(1e-9));
        Assert.That(ThelenMuscle.NormalizedFiberVelocity(a, fal, fm0 * (1 + 1e-12), out _, out _), Is.EqualTo(expected).Within(1e-9), "continuous into the extrapolation");
        // Shortening faster as force drops; lengthening as force exceeds a·fal.
        Assert.That(ThelenMuscle.NormalizedFiberVelocity(a, fal, 0.5 * afl, out _, out _), Is.InRange(-k, 0));
        Assert.That(ThelenMuscle.NormalizedFiberVelocity(a, fal, 1.2 * afl, out _, out _), Is.GreaterThan(0));
    }

    [Test]
    public void ForceVelocityDerivativesMatchFiniteDifferences()
    {
        foreach (double a in new[] { 0.01, 0.2, 1.0 })
            foreach (double ratio in new[] { -0.5, 0.3, 0.9, 1.2, 1.4, 3.0 }) // both extrapolations and both Thelen branches
            {
                double fal = 0.8, fm = ratio * a * fal;
                ThelenMuscle.NormalizedFiberVelocity(a, fal, fm, out double dFm, out double dAfl);
                double h = 1e-7 * Math.Max(1e-3, a * fal);
                double numFm = (ThelenMuscle.NormalizedFiberVelocity(a, fal, fm + h, out _, out _) - ThelenMuscle.NormalizedFiberVelocity(a, fal, fm - h, out _, out _)) / (2 * h);
                double hf = 1e-7;
                double numAfl = (ThelenMuscle.NormalizedFiberVelocity(a, fal + hf, fm, out _, out _) - ThelenMuscle.NormalizedFiberVelocity(a, fal - hf, fm, out _, out _)) / (2 * hf * a);
                Assert.That(dFm, Is.EqualTo(numFm).Within(1e-5 * Math.Max(1, Math.Abs(numFm))), $"∂v/∂Fm at a={a}, Fm/afl={ratio}");
                Assert.That(dAfl, Is.EqualTo(numAfl).Within(1e-5 * Math.Max(1, Math.Abs(numAfl))), $"∂v/∂afl at a={a}, Fm/afl={ratio}");
            }
    }

    [Test]
    public void FiberStateDerivativesMatchFiniteDifferences()
    {
        foreach (var name in new[] { "soleus_r", "glut_max_r", "vasti_r" })
        {
            var m = Muscle(name);
            double path = m.TendonSlackLength * 1.03 + m.OptimalFiberLength;
            var e = new ThelenMuscle.Evaluation();
            // Away from l = l_opt, where the passive curve has a kink (zero below, exponential above).
            foreach (double l in new[] { 0.8, 1.05, 1.3 }.Select(x => x * m.OptimalFiberLength))
            {
                m.Evaluate(l, path, 0.4, ref e);
                double dv = e.DFiberVelocity, df = e.DTendonForce;
                var plus = new ThelenMuscle.Evaluation();
                var minus = new ThelenMuscle.Evaluation();
                double h = 1e-8;
                m.Evaluate(l + h, path, 0.4, ref plus);
                m.Evaluate(l - h, path, 0.4, ref minus);
                Assert.That(dv, Is.EqualTo((plus.FiberVelocity - minus.FiberVelocity) / (2 * h)).Within(1e-4 * Math.Max(1, Math.Abs(dv))), $"{name} ∂v/∂l at l={l}");
                Assert.That(df, Is.EqualTo((plus.TendonForce - minus.TendonForce) / (2 * h)).Within(1e-4 * Math.Max(1, Math.Abs(df))), $"{name} ∂fse/∂l at l={l}");
            }
        }
    }

    [Test]
    public void ActivationTimeConstants()
    {
        // τ_act = 0.01·(0.5 + 1.5a) when u > a, τ_deact = 0.04/(0.5 + 1.5a) otherwise (§2.7).
        Assert.That(ThelenMuscle.ActivationRate(0.5, 1), Is.EqualTo(0.5 / (0.01 * 1.25)).Within(1e-12));
        Assert.That(ThelenMuscle.ActivationRate(0.5, 0), Is.EqualTo(-0.5 / (0.04 / 1.25)).Within(1e-12));
        Assert.That(ThelenMuscle.ActivationRate(0.2, 0.7), Is.EqualTo(0.5 / (0.01 * 0.8)).Within(1e-12));
        // Below 0.01 the state is clamped inside the formula only, so with u = 0 it keeps drifting down.
        double floorRate = -0.01 / (0.04 / (0.5 + 1.5 * 0.01));
        Assert.That(ThelenMuscle.ActivationRate(0.005, 0), Is.EqualTo(floorRate).Within(1e-15));
        Assert.That(ThelenMuscle.ActivationRate(-0.02, 0), Is.EqualTo(floorRate).Within(1e-15));
    }

    [Test]
    public void BackwardEulerStepSolvesItsEquation()
    {
        var m = Muscle("glut_max_r");
        var e = new ThelenMuscle.Evaluation();
        double path = 0.25, l0 = 0.1, dt = 1e-3, a = 0.05;
        double l1 = m.StepFiberLength(l0, path, a, dt, ref e);
        var check = new ThelenMuscle.Evaluation();
        m.Evaluate(l1, path, a, ref check);
        Assert.That(l1 - l0 - dt * check.FiberVelocity, Is.EqualTo(0).Within(1e-10), "l1 = l0 + dt·v(l1)");
        Assert.That(e.TendonForce, Is.EqualTo(check.TendonForce).Within(1e-9));
    }
}
