using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Simulation;

namespace RL.Envs.LearningToRun.Tests;

/// <summary>The skeleton against l2r-environment.md §2.1–2.3 and the reset-pose check of §2.11.</summary>
public class ModelTests
{
    [Test]
    public void ResetPoseMatchesTheReferenceForwardKinematics()
    {
        using var env = new LearningToRunEnv(new LearningToRunOptions { Difficulty = 0 });
        env.Reset(0, new float[41]);
        var o = env.ObservationDouble;
        // §2.11: head, torso, toes (l = r), talus (l = r), centre of mass (with the 3 obstacle bodies).
        (int X, double Expected)[] expected =
        {
            (22, 0.007170), (23, 1.536572), (26, -0.096501), (27, 0.996431),
            (28, 0.007988), (29, -0.027441), (30, 0.007988), (31, -0.027441),
            (32, -0.119683), (33, 0.022952), (34, -0.119683), (35, 0.022952),
            (18, -0.069734), (19, 0.970766),
            (0, -0.05), (1, 0), (2, 0.91), (24, 0), (25, 0.91),
        };
        foreach (var (i, value) in expected)
            Assert.That(o[i], Is.EqualTo(value).Within(1e-4 / 2), $"{LearningToRunSpec.ObservationNames[i]}");
    }

    [Test]
    public void KneeSplinesAtZeroMatchTheDocument()
    {
        // §2.3 prints tx to 5 significant digits; the reset observation of OpenSim, which our body positions match
        // to 1e-15 (FidelityTests), pins the exact value −0.00449986.
        Assert.That(Gait9dof18musc.KneeTx.Value(0), Is.EqualTo(-0.0045000).Within(2e-7));
        Assert.That(Gait9dof18musc.KneeTy.Value(0), Is.EqualTo(-0.3958207).Within(5e-8));
    }

    [Test]
    public void SplinePassesThroughItsKnotsAndExtrapolatesLinearly()
    {
        var s = Gait9dof18musc.KneeTx;
        double[] knots = { -2.0944, -1.0472, 0.197344, 2.0944 };
        double[] values = { -0.0032, 0.0041, -0.005227, -0.00525 };
        for (int i = 0; i < knots.Length; i++) Assert.That(s.Value(knots[i]), Is.EqualTo(values[i]).Within(1e-12));
        s.Evaluate(3.0, out double slope, out double curvature);
        Assert.That(curvature, Is.Zero);
        Assert.That(s.Value(3.0) - s.Value(2.0944), Is.EqualTo(slope * (3.0 - 2.0944)).Within(1e-12));
    }

    [Test]
    public unsafe void BodyMassesAndInertiasAreThoseOfTheModelFile()
    {
        using var sim = new FaithfulSimulator(0.001);
        Assert.That(sim.Skeleton.TotalMass, Is.EqualTo(79.6646).Within(1e-9));
    }

    [Test]
    public void MirrorMapsSwapLeftAndRight()
    {
        var o = Enumerable.Range(0, 41).Select(i => (float)i).ToArray();
        var m = new float[41];
        LearningToRunSpec.ObservationMirror.Apply(o, m);
        string Name(float index) => LearningToRunSpec.ObservationNames[(int)index];
        Assert.That(Name(m[Array.IndexOf(LearningToRunSpec.ObservationNames, "hip_r")]), Is.EqualTo("hip_l"));
        Assert.That(Name(m[Array.IndexOf(LearningToRunSpec.ObservationNames, "toes_l_y")]), Is.EqualTo("toes_r_y"));
        Assert.That(Name(m[Array.IndexOf(LearningToRunSpec.ObservationNames, "pelvis_x")]), Is.EqualTo("pelvis_x"));
        var a = Enumerable.Range(0, 18).Select(i => (float)i).ToArray();
        var am = new float[18];
        LearningToRunSpec.ActionMirror.Apply(a, am);
        Assert.That(LearningToRunSpec.ActionNames[(int)am[2]], Is.EqualTo("glut_max_l"));
        Assert.That(LearningToRunSpec.ActionNames[(int)am[16]], Is.EqualTo("soleus_r"));
    }
}
