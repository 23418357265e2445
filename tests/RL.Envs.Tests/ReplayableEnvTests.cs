using RL.Envs.Classic;
using RL.Envs.Wrappers;

namespace RL.Envs.Tests;

public class ReplayableEnvTests
{
    [Test]
    public void AnEpisodeInProgressIsRebuiltExactlyFromItsSeedAndActions()
    {
        using var env = new ReplayableEnv(new Pendulum());
        var obs = new float[3];
        env.Reset(42, obs);
        for (int episode = 0; episode < 3; episode++)
        {
            for (int t = 0; t < (episode < 2 ? 200 : 37); t++)
            {
                var outcome = env.Step(new[] { (float)Math.Sin(t) }, obs);
                if (outcome.Done) env.Reset(null, obs);
            }
        }
        Assert.That(env.EpisodeIndex, Is.EqualTo(2));
        Assert.That(env.StepsInEpisode, Is.EqualTo(37));
        using var saved = new MemoryStream();
        using (var w = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) env.Save(w, obs);

        using var restored = new ReplayableEnv(new Pendulum());
        var restoredObs = new float[3];
        saved.Position = 0;
        using (var r = new BinaryReader(saved)) restored.Restore(r, restoredObs);
        Assert.That(restoredObs, Is.EqualTo(obs));
        for (int t = 0; t < 300; t++)
        {
            var a = env.Step(new[] { 0.5f }, obs);
            var b = restored.Step(new[] { 0.5f }, restoredObs);
            Assert.That(b, Is.EqualTo(a));
            Assert.That(restoredObs, Is.EqualTo(obs));
            if (a.Done)
            {
                env.Reset(null, obs);
                restored.Reset(null, restoredObs);
                Assert.That(restoredObs, Is.EqualTo(obs), "later episodes derive the same seeds");
            }
        }
    }

    [Test]
    public void AnExplicitSeedStartsEpisodeZeroWithThatSeed()
    {
        using var a = new ReplayableEnv(new Pendulum());
        using var b = new Pendulum();
        float[] x = new float[3], y = new float[3];
        a.Reset(7, x);
        b.Reset(7, y);
        Assert.That(x, Is.EqualTo(y));
        Assert.That(a.EpisodeSeed, Is.EqualTo(7));
    }
}
