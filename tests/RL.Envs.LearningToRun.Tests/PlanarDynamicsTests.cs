using RL.Envs.LearningToRun;
using RL.Envs.LearningToRun.Simulation;
using RL.Envs.Random;
using RL.MuJoCo;

namespace RL.Envs.LearningToRun.Tests;

/// <summary>
/// The planar rigid-body engine (issue 15) against MuJoCo's mj_step1 on the same model: poses, the joint-space inertia
/// and the bias forces at random states, and whole trajectories of the faithful simulator with either engine.
/// </summary>
public class PlanarDynamicsTests
{
    private static MjModel Model() => MjModel.FromXml(FaithfulSimulator.ModelXml, "gait9dof18musc.xml");

    [Test]
    public unsafe void PosesInertiaAndBiasForcesEqualMuJoCosAtRandomStates()
    {
        using var model = Model();
        using var reference = new Skeleton(model, RigidBodyEngine.MuJoCo);
        using var planar = new Skeleton(model, RigidBodyEngine.Planar);
        var rng = new Xoshiro256(5);
        int nM = model.NM;
        double worst = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            reference.Data.Reset();
            planar.Data.Reset();
            for (int j = 0; j < Skeleton.Dofs; j++)
            {
                // Slides within ±1 m (the pelvis) or ±5 cm (knees, off their splines on purpose: the engine must not
                // assume the coupling), angles within ±2 rad, speeds up to 10 m/s or rad/s.
                double range = j is Skeleton.PelvisTx or Skeleton.PelvisTy ? 1 : j is Skeleton.KneeTxR or Skeleton.KneeTyR or Skeleton.KneeTxL or Skeleton.KneeTyL ? 0.05 : 2;
                double q = rng.Uniform(-range, range), v = rng.Uniform(-10, 10);
                reference.Qpos[j] = planar.Qpos[j] = q;
                reference.Qvel[j] = planar.Qvel[j] = v;
            }
            reference.Forward();
            planar.Forward();
            worst = Math.Max(worst, Compare(reference.Data.Xpos, planar.Data.Xpos, 3 * Skeleton.BodyCount, 1e-12, "xpos", trial));
            worst = Math.Max(worst, Compare(reference.Data.Xmat, planar.Data.Xmat, 9 * Skeleton.BodyCount, 1e-12, "xmat", trial));
            worst = Math.Max(worst, Compare(reference.Data.Doubles("qM"), planar.Data.Doubles("qM"), nM, 1e-12, "qM", trial));
            worst = Math.Max(worst, Compare(reference.Data.QfrcBias, planar.Data.QfrcBias, Skeleton.Dofs, 1e-11, "qfrc_bias", trial));
        }
        TestContext.Out.WriteLine($"worst relative difference {worst:E2}");
    }

    /// <summary>Largest |a − b| / (1 + |a|) over n values; fails with the index when it exceeds the tolerance.</summary>
    private static unsafe double Compare(double* expected, double* actual, int n, double tolerance, string what, int trial)
    {
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]) / (1 + Math.Abs(expected[i]));
            Assert.That(d, Is.LessThanOrEqualTo(tolerance), $"{what}[{i}] at state {trial}: MuJoCo {expected[i]:R}, planar {actual[i]:R}");
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    [Test]
    public void RejectsAModelThatIsNotPlanar()
    {
        string tilted = FaithfulSimulator.ModelXml.Replace("<joint name=\"hip_flexion_r\" type=\"hinge\" axis=\"0 0 1\"/>", "<joint name=\"hip_flexion_r\" type=\"hinge\" axis=\"1 0 0\"/>");
        Assert.That(tilted, Is.Not.EqualTo(FaithfulSimulator.ModelXml));
        using var model = MjModel.FromXml(tilted, "tilted.xml");
        var error = Assert.Throws<InvalidOperationException>(() => new PlanarDynamics(model));
        Assert.That(error!.Message, Does.Contain("does not turn about z"));
    }

    [Test]
    public unsafe void TheFaithfulSimulatorFollowsTheSameTrajectoryWithEitherEngine()
    {
        // Active, changing excitations with the feet on the ground, so muscles, contact, ligaments and the knee
        // constraint all act. The engines differ by rounding (1e-13 per call), which can make one fiber's Newton solve
        // stop an iteration earlier or later in one of them: then the two differ by Newton's own error (~1e-10 m).
        // 300 steps (3 s) must not amplify that past 1e-8.
        using var mujoco = new FaithfulSimulator(0.001, engine: RigidBodyEngine.MuJoCo);
        using var planar = new FaithfulSimulator(0.001, engine: RigidBodyEngine.Planar);
        var strength = Enumerable.Repeat(1.0, 18).ToArray();
        mujoco.Reset(strength, Array.Empty<RL.Envs.LearningToRun.Contact.ObstacleBody>());
        planar.Reset(strength, Array.Empty<RL.Envs.LearningToRun.Contact.ObstacleBody>());
        var rng = new Xoshiro256(9);
        var excitation = new double[18];
        var a = new double[FaithfulSimulator.StateSize];
        var b = new double[FaithfulSimulator.StateSize];
        double worst = 0, contactSteps = 0;
        for (int step = 0; step < 300; step++)
        {
            if (step % 10 == 0)
                for (int m = 0; m < 18; m++) excitation[m] = rng.NextDouble();
            Assert.That(mujoco.Step(excitation, 10), Is.EqualTo(SimulationFault.None));
            Assert.That(planar.Step(excitation, 10), Is.EqualTo(SimulationFault.None));
            if (mujoco.Contact.GroundForce.Any(f => f != 0)) contactSteps++;
            mujoco.GetState(a);
            planar.GetState(b);
            for (int i = 0; i < a.Length; i++)
                worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / (1 + Math.Abs(a[i])));
            for (int body = 1; body < Skeleton.BodyCount; body++)
            {
                Assert.That(planar.Skeleton.X(body), Is.EqualTo(mujoco.Skeleton.X(body)).Within(1e-8), $"body {body} x at step {step}");
                Assert.That(planar.Skeleton.Y(body), Is.EqualTo(mujoco.Skeleton.Y(body)).Within(1e-8), $"body {body} y at step {step}");
            }
        }
        Assert.That(worst, Is.LessThan(1e-8), "qpos, qvel, activations, fibre lengths, time");
        Assert.That(contactSteps, Is.GreaterThan(50), "the feet were on the ground for part of the run");
        TestContext.Out.WriteLine($"worst relative state difference over 300 steps {worst:E2}");
    }
}
