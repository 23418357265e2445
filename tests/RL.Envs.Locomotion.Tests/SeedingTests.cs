using RL.Envs.Random;

namespace RL.Envs.Locomotion.Tests;

/// <summary>The same seed gives the same episode; the reset noise is the v4 table's and comes from the env's own stream.</summary>
public class SeedingTests
{
    private static List<double> Episodes(IEnv env, long seed, int steps)
    {
        var values = new List<double>();
        var obs = new float[env.Spec.ObservationSize];
        var action = new float[env.Spec.ActionSize];
        var rng = new Xoshiro256(99);
        env.Reset(seed, obs);
        values.AddRange(obs.Select(v => (double)v));
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)rng.Uniform(-1, 1);
            var outcome = env.Step(action, obs);
            values.AddRange(obs.Select(v => (double)v));
            values.Add(outcome.Reward);
            values.AddRange(env.RewardTerms.ToArray());
            if (outcome.Done)
            {
                env.Reset(null, obs);
                values.AddRange(obs.Select(v => (double)v));
            }
        }
        return values;
    }

    [TestCaseSource(typeof(Envs), nameof(Envs.Ids))]
    public void TheSameSeedGivesIdenticalEpisodes(string id)
    {
        using var a = Envs.Create(id);
        using var b = Envs.Create(id);
        // 600 random-action steps: Hopper and Walker2d fall and reset (without a seed) several times, so the
        // continuation of the stream is covered too.
        var first = Episodes(a, 42, 600);
        var second = Episodes(b, 42, 600);
        var again = Episodes(a, 42, 600);
        Assert.That(second, Is.EqualTo(first), "two envs with one seed");
        Assert.That(again, Is.EqualTo(first), "one env reseeded");
        Assert.That(Episodes(b, 43, 600), Is.Not.EqualTo(first), "another seed");
    }

    [TestCaseSource(typeof(Envs), nameof(Envs.Ids))]
    public void AResetWithoutASeedContinuesTheStream(string id)
    {
        using var env = Envs.Create(id);
        var first = new float[env.Spec.ObservationSize];
        var next = new float[env.Spec.ObservationSize];
        var again = new float[env.Spec.ObservationSize];
        env.Reset(8, first);
        env.Reset(null, next);
        env.Reset(8, again);
        Assert.That(next, Is.Not.EqualTo(first));
        Assert.That(again, Is.EqualTo(first));
    }

    [TestCase(HopperEnv.Id, 1.25)]
    [TestCase(Walker2dEnv.Id, 1.25)]
    public void HopperAndWalkerNoiseIsUniformWithin5e3(string id, double initialZ)
    {
        using var env = Envs.Create(id);
        var obs = new float[env.Spec.ObservationSize];
        double maxPos = 0, maxVel = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            env.Reset(seed, obs);
            var qpos = env.Qpos.ToArray();
            qpos[1] -= initialZ; // qpos0 of rootz is its ref, 1.25; every other qpos0 is 0
            maxPos = Math.Max(maxPos, qpos.Max(Math.Abs));
            maxVel = Math.Max(maxVel, env.Qvel.ToArray().Max(Math.Abs));
        }
        Assert.That(maxPos, Is.LessThanOrEqualTo(5e-3).And.GreaterThan(4.5e-3));
        Assert.That(maxVel, Is.LessThanOrEqualTo(5e-3).And.GreaterThan(4.5e-3));
    }

    [Test]
    public void HalfCheetahNoiseIsUniformPositionsAndGaussianVelocities()
    {
        using var env = Envs.Create(HalfCheetahEnv.Id);
        var obs = new float[17];
        var velocities = new List<double>();
        double maxPos = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            env.Reset(seed, obs);
            maxPos = Math.Max(maxPos, env.Qpos.ToArray().Max(Math.Abs));
            velocities.AddRange(env.Qvel.ToArray());
        }
        Assert.That(maxPos, Is.LessThanOrEqualTo(0.1).And.GreaterThan(0.095));
        double mean = velocities.Average();
        double std = Math.Sqrt(velocities.Select(v => (v - mean) * (v - mean)).Average());
        // 2700 draws of 0.1·N(0, 1): the standard deviation is 0.1 within a few percent, and some exceed 2σ.
        Assert.That(std, Is.EqualTo(0.1).Within(0.006));
        Assert.That(Math.Abs(mean), Is.LessThan(0.01));
        Assert.That(velocities.Max(Math.Abs), Is.GreaterThan(0.2));
    }
}
