using RL.Core.Exploration;
using RL.Envs.Random;

namespace RL.Core.Tests;

public class NoiseTests
{
    [Test]
    public void OrnsteinUhlenbeckHasItsStationaryMeanStdAndAutocorrelation()
    {
        // Reason8's setting: θ 0.1, σ 0.2, dt 0.01 → stationary sd σ/√(2θ) ≈ 0.447, lag-1 correlation 1 − θdt = 0.999.
        // Many short chains from the stationary start keep the estimate tight in little time.
        const double theta = 0.1, sigma = 0.2, dt = 0.01;
        double stationary = sigma / Math.Sqrt(2 * theta);
        var rng = new Xoshiro256(11);
        var ou = new OrnsteinUhlenbeckNoise(1, theta, dt);
        var x = new float[1];
        double sum = 0, sumSq = 0, lagProduct = 0;
        int n = 0;
        for (int chain = 0; chain < 4000; chain++)
        {
            ou.SetState(new[] { stationary * rng.NextGaussian() }); // start in the stationary distribution
            double previous = ou.State[0];
            for (int t = 0; t < 50; t++)
            {
                ou.Sample(rng, sigma, x);
                sum += x[0];
                sumSq += x[0] * x[0];
                lagProduct += x[0] * previous;
                previous = x[0];
                n++;
            }
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.That(mean, Is.EqualTo(0).Within(0.03));
        Assert.That(Math.Sqrt(variance), Is.EqualTo(stationary).Within(0.02));
        Assert.That(lagProduct / n / variance, Is.EqualTo(1 - theta * dt).Within(0.002));
    }

    [Test]
    public void OrnsteinUhlenbeckResetsToItsMeanAndIsReproducible()
    {
        var a = new OrnsteinUhlenbeckNoise(3, 0.15, 1);
        var b = new OrnsteinUhlenbeckNoise(3, 0.15, 1);
        var ra = new Xoshiro256(1);
        var rb = new Xoshiro256(1);
        float[] xa = new float[3], xb = new float[3];
        for (int i = 0; i < 10; i++)
        {
            a.Sample(ra, 0.2, xa);
            b.Sample(rb, 0.2, xb);
        }
        Assert.That(xb, Is.EqualTo(xa));
        a.Reset();
        Assert.That(a.State.ToArray(), Is.All.EqualTo(0.0));
    }

    [Test]
    public void GaussianNoiseHasItsStdAndIsHeldForItsSteps()
    {
        var rng = new Xoshiro256(3);
        var noise = new GaussianActionNoise(2, holdSteps: 1);
        var x = new float[2];
        double sum = 0, sumSq = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            noise.Sample(rng, 0.3, x);
            sum += x[0] + x[1];
            sumSq += x[0] * x[0] + x[1] * x[1];
        }
        double mean = sum / (2 * n);
        Assert.That(mean, Is.EqualTo(0).Within(0.005));
        Assert.That(Math.Sqrt(sumSq / (2 * n) - mean * mean), Is.EqualTo(0.3).Within(0.005));

        var held = new GaussianActionNoise(1, holdSteps: 5);
        var values = Enumerable.Range(0, 10).Select(_ => { held.Sample(rng, 1, x.AsSpan(0, 1)); return x[0]; }).ToArray();
        Assert.That(values.Take(5).Distinct().Count(), Is.EqualTo(1));
        Assert.That(values.Skip(5).Distinct().Count(), Is.EqualTo(1));
        Assert.That(values[5], Is.Not.EqualTo(values[0]));
    }

    [TestCase(0, 0.2)]
    [TestCase(500_000, 0.125)]
    [TestCase(1_000_000, 0.05)]
    [TestCase(5_000_000, 0.05)]
    public void LinearScheduleAnnealsThenHolds(long step, double expected)
    {
        var schedule = new LinearSchedule { Start = 0.2, End = 0.05, Steps = 1_000_000 };
        Assert.That(schedule.At(step), Is.EqualTo(expected).Within(1e-12));
    }
}
