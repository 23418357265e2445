using RL.Envs.Classic;
using RL.Envs.Random;

namespace RL.Envs.Tests;

public class RandomTests
{
    [Test]
    public void SameSeedSameStreamAndStateRoundTrips()
    {
        var a = new Xoshiro256(42);
        var b = new Xoshiro256(42);
        for (int i = 0; i < 100; i++) Assert.That(a.NextUInt64(), Is.EqualTo(b.NextUInt64()));
        a.NextGaussian();
        ulong[] state = a.GetState();
        double[] expected = Enumerable.Range(0, 10).Select(_ => a.NextGaussian()).ToArray();
        var c = new Xoshiro256(0);
        c.SetState(state);
        Assert.That(Enumerable.Range(0, 10).Select(_ => c.NextGaussian()).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void GaussianHasUnitVarianceAndUniformIsUniform()
    {
        var rng = new Xoshiro256(7);
        const int n = 200_000;
        double sum = 0, sq = 0, usum = 0;
        int[] buckets = new int[10];
        for (int i = 0; i < n; i++)
        {
            double g = rng.NextGaussian();
            sum += g;
            sq += g * g;
            double u = rng.NextDouble();
            usum += u;
            buckets[rng.NextInt(10)]++;
        }
        Assert.That(sum / n, Is.EqualTo(0).Within(0.01));
        Assert.That(sq / n, Is.EqualTo(1).Within(0.01));
        Assert.That(usum / n, Is.EqualTo(0.5).Within(0.005));
        Assert.That(buckets.Min(), Is.GreaterThan(n / 10 * 0.97));
    }

    [Test]
    public void DerivedSeedsAreStableAndDistinct()
    {
        ulong first = SeedSequence.Derive(1, "env", 0);
        Assert.That(SeedSequence.Derive(1, "env", 0), Is.EqualTo(first));
        var seeds = new HashSet<ulong>();
        foreach (string s in new[] { "env", "noise", "learner" })
            for (int i = 0; i < 100; i++) seeds.Add(SeedSequence.Derive(1, s, i));
        Assert.That(seeds, Has.Count.EqualTo(300));
        Assert.That(SeedSequence.DeriveEnvSeed(1, "env", 3), Is.InRange(0L, uint.MaxValue));
    }

    [Test]
    public void PendulumIsDeterministicPerSeed()
    {
        float[] Trace(long seed)
        {
            var env = new Pendulum();
            var obs = new float[3];
            env.Reset(seed, obs);
            var trace = new List<float>(obs);
            for (int i = 0; i < 50; i++)
            {
                env.Step(new[] { (float)Math.Sin(i) }, obs);
                trace.AddRange(obs);
            }
            return trace.ToArray();
        }
        float[] first = Trace(3);
        Assert.That(Trace(3), Is.EqualTo(first));
        Assert.That(Trace(3), Is.Not.EqualTo(Trace(4)));
    }
}
