using RL.Envs.LearningToRun.Contact;
using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Simulation;

namespace RL.Envs.LearningToRun.Tests;

/// <summary>Muscle paths (moment-arm signs) and ligaments.</summary>
public class GeometryTests
{
    private static readonly (string Name, string Joint, int Sign)[] ExpectedMomentArms =
    {
        ("hamstrings", "hip_flexion", -1), ("hamstrings", "knee_angle", -1),
        ("bifemsh", "knee_angle", -1),
        ("glut_max", "hip_flexion", -1),
        ("iliopsoas", "hip_flexion", +1),
        ("rect_fem", "hip_flexion", +1), ("rect_fem", "knee_angle", +1),
        ("vasti", "knee_angle", +1),
        ("gastroc", "knee_angle", -1), ("gastroc", "ankle_angle", -1),
        ("soleus", "ankle_angle", -1),
        ("tib_ant", "ankle_angle", +1),
    };

    // Standing, a mid-stance-like flexion and a deep flexion (hip, knee, ankle) for both legs.
    private static readonly double[][] Poses = { new[] { 0.0, 0.0, 0.0 }, new[] { 0.5, -0.8, 0.2 }, new[] { 1.2, -1.7, -0.4 } };

    [Test]
    public void EveryMuscleHasTheMomentArmSignOfItsAnatomyAtThreePoses()
    {
        using var sim = new FaithfulSimulator(0.001);
        sim.Reset(Enumerable.Repeat(1.0, 18).ToArray(), Array.Empty<ObstacleBody>());
        var state = new double[FaithfulSimulator.StateSize];
        foreach (var pose in Poses)
            foreach (string side in new[] { "r", "l" })
                foreach (var (name, joint, sign) in ExpectedMomentArms)
                {
                    int muscle = Array.FindIndex(Gait9dof18musc.Muscles, m => m.Name == $"{name}_{side}");
                    int dof = Skeleton.Dof($"{joint}_{side}");
                    double Length(double dq)
                    {
                        sim.GetState(state);
                        Pose(state, pose);
                        state[dof] += dq;
                        sim.SetState(state);
                        return sim.Muscles.PathLength[muscle];
                    }
                    const double h = 1e-6;
                    double momentArm = -(Length(h) - Length(-h)) / (2 * h);
                    Assert.That(Math.Sign(momentArm), Is.EqualTo(sign),
                        $"{name}_{side} about {joint}_{side} at pose [{string.Join(", ", pose)}]: moment arm {momentArm:E3} m");
                    Assert.That(Math.Abs(momentArm), Is.InRange(0.002, 0.12), $"{name}_{side} about {joint}_{side}: implausible moment arm");
                }
    }

    private static void Pose(double[] state, double[] hkaBoth)
    {
        state[Skeleton.HipR] = state[Skeleton.HipL] = hkaBoth[0];
        state[Skeleton.KneeR] = state[Skeleton.KneeL] = hkaBoth[1];
        state[Skeleton.AnkleR] = state[Skeleton.AnkleL] = hkaBoth[2];
    }

    [Test]
    public void LigamentForcesAtSampleAngles()
    {
        double deg = Math.PI / 180, k = 20 / deg, c = 0.25 / deg;
        double up = 10 * deg, low = -140 * deg; // the knee's limits
        Assert.That(Ligaments.LimitForce(0, 0, low, up), Is.Zero, "inside the range");
        Assert.That(Ligaments.LimitForce(up, 0, low, up), Is.Zero, "at the limit the stiffness is still switched off");
        Assert.That(Ligaments.LimitForce(up + 10 * deg, 0, low, up), Is.EqualTo(-k * 10 * deg).Within(1e-9), "fully on: −20 N·m/° × 10°");
        Assert.That(Ligaments.LimitForce(up + 5 * deg, 0, low, up), Is.EqualTo(-0.5 * k * 5 * deg).Within(1e-9), "half-way through the 10° transition");
        Assert.That(Ligaments.LimitForce(low - 10 * deg, 0, low, up), Is.EqualTo(k * 10 * deg).Within(1e-9), "lower side pushes back up");
        Assert.That(Ligaments.LimitForce(up + 20 * deg, 2, low, up), Is.EqualTo(-k * 20 * deg - c * 2).Within(1e-9), "damping 0.25 N·m·s/°");
        Assert.That(Ligaments.LimitForce(0.3, 5, low, up) - Ligaments.LimitForce(0.3, 0, low, up), Is.LessThan(0));
    }

    [Test]
    public void GroundSupportsTheModelAtAboutTwoCentimetresOfSink()
    {
        // §2.8: static support on 4 spheres gives d ≈ 2.1 cm: (781 N / 4) = 63 245.6·d^1.5.
        double k = HuntCrossleyContact.PairStiffness(6e5);
        double d = Math.Pow(79.6646 * 9.80665 / 4 / (4.0 / 3.0 * k * Math.Sqrt(0.05 * k)), 2.0 / 3.0);
        Assert.That(4.0 / 3.0 * k * Math.Sqrt(0.05 * k), Is.EqualTo(63245.6).Within(0.1));
        Assert.That(d, Is.EqualTo(0.021).Within(0.001));
    }
}
