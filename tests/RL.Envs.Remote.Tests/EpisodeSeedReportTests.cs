using RL.Envs.Server;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// Issue 11: a served env names the seed of every episode, those begun by autoreset included, both when the episode
/// ends (Ending.seed) and while it runs (Ending.next_seed, so an episode lost with its server still has its seed),
/// and the seed is the one used: a local env reset with it and given the episode's actions repeats its return.
/// </summary>
public class EpisodeSeedReportTests
{
    private EnvServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _host = await TestServers.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _host.DisposeAsync();

    [Test]
    public void EveryServedEpisodeNamesTheSeedThatRepeatsIt()
    {
        const int n = 2;
        using var pool = EnvWorkerPool.Start(TestServers.RemoteOptions("Pendulum", new[] { _host.Endpoint }, n));
        var env = pool.Groups[0];
        var obs = new float[n * 3];
        env.Reset(new long[] { 21, 22 }, obs);
        var current = Enumerable.Range(0, n).Select(i => env.EpisodeSeed(i)).ToArray();
        Assert.That(current, Is.EqualTo(new long?[] { 21, 22 }));
        var result = new VectorStepResult(n, 3);
        var actions = new float[n];
        var episodeActions = Enumerable.Range(0, n).Select(_ => new List<float>()).ToArray();
        var rng = new RL.Envs.Random.Xoshiro256(3);
        int ended = 0;
        for (int t = 0; t < 620; t++)
        {
            for (int i = 0; i < n; i++) episodeActions[i].Add(actions[i] = (float)(rng.NextDouble() * 4 - 2));
            env.Step(actions, result);
            foreach (var e in result.Episodes)
            {
                Assert.That(e.Seed, Is.EqualTo(current[e.EnvIndex]), $"the ending names the seed known while the episode ran (env {e.EnvIndex}, step {t})");
                Assert.That(Replay(e.Seed!.Value, episodeActions[e.EnvIndex]), Is.EqualTo(e.Return), $"env {e.EnvIndex}, seed {e.Seed}");
                episodeActions[e.EnvIndex].Clear();
                current[e.EnvIndex] = env.EpisodeSeed(e.EnvIndex);
                Assert.That(current[e.EnvIndex], Is.Not.Null, "the autoreset episode's seed is known at once");
                ended++;
            }
        }
        Assert.That(ended, Is.EqualTo(6), "three 200-step episodes per env, two of them begun by autoreset");
    }

    private static double Replay(long seed, List<float> actions)
    {
        using var env = EnvCatalog.Create(allowTestEnvs: true).Create("Pendulum", new Dictionary<string, string>());
        var obs = new float[3];
        env.Reset(seed, obs);
        double total = 0;
        foreach (float a in actions) total += env.Step(new[] { a }, obs).Reward;
        return total;
    }
}
