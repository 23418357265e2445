using RL.Envs.Classic;
using RL.Envs.Random;
using RL.Envs.Vector;
using RL.Envs.Wrappers;

namespace RL.Envs.Tests;

/// <summary>
/// Issue 11: every episode summary carries the seed its env was reset with, autoresets included, and that seed is
/// the one really used: a fresh env reset with it and given the episode's actions repeats the episode's return.
/// </summary>
public class EpisodeSeedTests
{
    [TestCase("replayable", TestName = "Autoreset episodes of in-process envs (ReplayableEnv) carry the seeds they ran with")]
    [TestCase("seeding", TestName = "Autoreset episodes of served envs (EpisodeSeeding) carry the seeds they ran with")]
    public void EveryEpisodeIsRepeatedByAFreshEnvResetWithItsReportedSeed(string wrapper)
    {
        const int n = 2;
        using var vec = new SyncVectorEnv(Enumerable.Range(0, n)
            .Select(_ => wrapper == "replayable" ? (IEnv)new ReplayableEnv(new Pendulum()) : new EpisodeSeeding(new Pendulum())).ToArray());
        var obs = new float[n * 3];
        vec.Reset(new long[] { 11, 12 }, obs);
        var result = new VectorStepResult(n, 3);
        var rng = new Xoshiro256(5);
        var actions = new float[n];
        var episodeActions = Enumerable.Range(0, n).Select(_ => new List<float>()).ToArray();
        var checkedEpisodes = 0;
        var seeds = new List<long>();
        for (int t = 0; t < 650; t++)
        {
            for (int i = 0; i < n; i++)
            {
                actions[i] = (float)(rng.NextDouble() * 4 - 2);
                episodeActions[i].Add(actions[i]);
            }
            vec.Step(actions, result);
            foreach (var e in result.Episodes)
            {
                Assert.That(e.Seed, Is.Not.Null, $"episode of env {e.EnvIndex} ending at step {t}");
                seeds.Add(e.Seed!.Value);
                Assert.That(Replay(e.Seed.Value, episodeActions[e.EnvIndex]), Is.EqualTo(e.Return), $"env {e.EnvIndex}, seed {e.Seed}");
                episodeActions[e.EnvIndex].Clear();
                checkedEpisodes++;
            }
        }
        Assert.That(checkedEpisodes, Is.EqualTo(6), "3 episodes of 200 steps per env: the first from an explicit seed, two from autoresets");
        Assert.That(seeds.Distinct().Count(), Is.EqualTo(seeds.Count), "every episode has a seed of its own");
        Assert.That(seeds, Does.Contain(ReplayableEnv.SeedOf(11, 2)), "the k-th autoreset after seed s uses SeedOf(s, k)");
    }

    private static double Replay(long seed, List<float> actions)
    {
        using var env = new Pendulum();
        var obs = new float[3];
        env.Reset(seed, obs);
        double total = 0;
        foreach (float a in actions) total += env.Step(new[] { a }, obs).Reward;
        return total;
    }

    [Test]
    public void AnEnvNeverGivenASeedKeepsItsDefaultStreamAndReportsNoSeed()
    {
        using var env = new EpisodeSeeding(new Pendulum());
        var obs = new float[3];
        env.Reset(null, obs);
        Assert.That(env.EpisodeSeed, Is.Null);
        env.Reset(7, obs);
        Assert.That(env.EpisodeSeed, Is.EqualTo(7));
        env.Reset(null, obs);
        Assert.That(env.EpisodeSeed, Is.EqualTo(ReplayableEnv.SeedOf(7, 1)));
    }
}
