using System.Diagnostics;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// Several batches per server (issue 16, env.batches_per_server): each is its own group and stream on the same server,
/// stepped concurrently; losing the server loses exactly its batches' episodes, once, and one replacement serves them all.
/// </summary>
public class SubBatchTests
{
    private static Dictionary<string, string> Fault() => TestServers.Options(("obs_size", "6"), ("action_size", "2"), ("max_steps", "30"));

    [Test]
    public void EachServersEnvsAreSplitInOrderIntoItsBatches()
    {
        using var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 2, 5, Fault()) with { BatchesPerServer = 2 });
        Assert.That(pool.Groups.Select(g => g.NumEnvs), Is.EqualTo(new[] { 3, 2, 3, 2 }));
        Assert.That(pool.Groups.Select(g => g.Index), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        var pids = pool.Groups.Select(g => g.ServerProcessId).ToArray();
        Assert.That(pids[0], Is.EqualTo(pids[1]));
        Assert.That(pids[2], Is.EqualTo(pids[3]));
        Assert.That(pids[0], Is.Not.EqualTo(pids[2]));
        Assert.Throws<ArgumentException>(() => (TestServers.LocalOptions("Fault", 1, 2, Fault()) with { BatchesPerServer = 3 }).Validate());
    }

    [Test]
    public void AKilledServerWithTwoBatchesInFlightDropsOnlyTheirEpisodesAndIsReplacedOnce([Values] LocalTransport transport)
    {
        using var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 2, 4, Fault(), transport) with { BatchesPerServer = 2 });
        var groups = pool.Groups;
        Assert.That(groups, Has.Count.EqualTo(4));
        var results = groups.Select(g => new VectorStepResult(g.NumEnvs, 6)).ToArray();
        // Per group and env: the episode tags of the transitions in progress, kept only when the episode ends normally.
        var pending = groups.Select(g => Enumerable.Range(0, g.NumEnvs).Select(_ => new List<(float, float)>()).ToArray()).ToArray();
        var committed = groups.Select(_ => new List<(float, float)>()).ToArray();
        var deadTags = new HashSet<(float, float)>();
        foreach (var g in groups) g.Reset(ReadOnlySpan<long>.Empty, new float[g.NumEnvs * 6]);
        int victim = groups[0].ServerProcessId!.Value;
        var losses = new int[groups.Count];

        for (int t = 0; t < 120; t++)
        {
            if (t == 17) Process.GetProcessById(victim).Kill(); // SIGKILL mid-episode
            // Every group steps on its own thread, as the samplers do: both batches of a server are in flight together.
            var lost = new bool[groups.Count];
            Parallel.For(0, groups.Count, new ParallelOptions { MaxDegreeOfParallelism = groups.Count }, g =>
            {
                try
                {
                    groups[g].Step(new float[groups[g].NumEnvs * 2], results[g]);
                }
                catch (EnvWorkerLostException)
                {
                    lost[g] = true;
                }
            });
            for (int g = 0; g < groups.Count; g++)
            {
                var r = results[g];
                if (lost[g])
                {
                    losses[g]++;
                    for (int i = 0; i < groups[g].NumEnvs; i++)
                    {
                        foreach (var x in pending[g][i]) deadTags.Add(x);
                        pending[g][i].Clear();
                    }
                    groups[g].Reset(ReadOnlySpan<long>.Empty, r.Observations);
                    continue;
                }
                for (int i = 0; i < r.NumEnvs; i++)
                {
                    var next = r.Done(i) ? r.FinalObservation(i) : r.Observation(i);
                    pending[g][i].Add((next[0], next[1]));
                    if (!r.Done(i)) continue;
                    committed[g].AddRange(pending[g][i]);
                    pending[g][i].Clear();
                }
            }
        }

        Assert.That(groups.Select(g => g.Transport), Is.All.EqualTo(TestServers.Name(transport)));
        Assert.That(losses, Is.EqualTo(new[] { 1, 1, 0, 0 }), "both batches of the killed server, once each; none of the other's");
        Assert.That(pool.Stats.Restarts, Is.EqualTo(1), "one server lost, one replacement for both of its batches");
        Assert.That(pool.Stats.EpisodesDropped, Is.EqualTo(4), "2 batches × 2 envs had an episode in flight");
        Assert.That(groups[0].ServerProcessId, Is.EqualTo(groups[1].ServerProcessId).And.Not.EqualTo(victim));
        // The fault env's first two observations tag the episode (its seed), so four lost episodes are four tags.
        Assert.That(deadTags, Has.Count.EqualTo(4), "4 episodes were in flight");
        for (int g = 0; g < 2; g++)
        {
            Assert.That(committed[g].Where(deadTags.Contains), Is.Empty, $"batch {g}: no transition of a lost episode is kept");
            Assert.That(committed[g], Has.Count.GreaterThanOrEqualTo(2 * 30 * 2), $"batch {g}: episodes completed on the replacement");
        }
        for (int g = 2; g < 4; g++)
            Assert.That(committed[g], Has.Count.EqualTo(2 * 30 * 4), $"batch {g} of the other server kept all its episodes");
    }
}
