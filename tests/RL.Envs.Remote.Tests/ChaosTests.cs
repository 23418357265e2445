using System.Collections.Concurrent;
using System.Diagnostics;
using RL.Envs.Random;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// R1/R2 on this machine's scale: 4 servers, one sampler thread per group (as the off-policy trainer runs them), and
/// a chaos thread that SIGKILLs a random server every few seconds. Long: [Category("Slow")]
/// (scripts/test.sh --slow). Figures are printed; the assertions are about counts and data, not speed.
/// </summary>
[Category("Slow")]
public class ChaosTests
{
    [Test]
    public void SamplersSurviveAServerKilledEveryFewSeconds()
    {
        const int servers = 4, envs = 4, kills = 10;
        var killEvery = TimeSpan.FromSeconds(3);
        var options = TestServers.LocalOptions("Fault", servers, envs,
            TestServers.Options(("obs_size", "8"), ("action_size", "4"), ("max_steps", "40"), ("delay_ms", "2"))) with
        {
            Restarts = new RestartPolicy { MaxRestartsPerMinute = 100 },
        };
        using var pool = EnvWorkerPool.Start(options);
        using var stop = new CancellationTokenSource();
        var committed = new ConcurrentBag<(float, float)>();
        var dead = new ConcurrentBag<(float, float)>();
        var steps = new long[servers];
        var losses = new int[servers];
        var droppedSeen = new long[servers];
        var errors = new ConcurrentQueue<Exception>();
        var restoreTimes = new ConcurrentQueue<double>();

        var samplers = pool.Groups.Select(group => new Thread(() =>
        {
            try
            {
                int g = group.Index;
                var result = new VectorStepResult(envs, 8);
                var pending = Enumerable.Range(0, envs).Select(_ => new List<(float, float)>()).ToArray();
                group.Reset(ReadOnlySpan<long>.Empty, result.Observations);
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        group.Step(new float[envs * 4], result);
                    }
                    catch (EnvWorkerLostException)
                    {
                        losses[g]++;
                        droppedSeen[g] += group.LostEpisodes.Count;
                        for (int i = 0; i < envs; i++) dead.Add((result.Observations[i * 8], result.Observations[i * 8 + 1]));
                        foreach (var p in pending) p.Clear();
                        var watch = Stopwatch.StartNew();
                        group.Reset(ReadOnlySpan<long>.Empty, result.Observations);
                        restoreTimes.Enqueue(watch.Elapsed.TotalSeconds);
                        continue;
                    }
                    steps[g]++;
                    for (int i = 0; i < envs; i++)
                    {
                        var next = result.Done(i) ? result.FinalObservation(i) : result.Observation(i);
                        pending[i].Add((next[0], next[1]));
                        if (result.Done(i))
                        {
                            foreach (var t in pending[i]) committed.Add(t);
                            pending[i].Clear();
                        }
                    }
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        }) { IsBackground = true }).ToList();

        var rng = new Xoshiro256(42);
        var total = Stopwatch.StartNew();
        samplers.ForEach(t => t.Start());
        for (int k = 0; k < kills; k++)
        {
            Thread.Sleep(killEvery);
            int pid = pool.ServerProcessIds.OrderBy(p => p).ElementAt(rng.NextInt(pool.ServerProcessIds.Count));
            Signals.Send(pid, Signals.SIGKILL);
        }
        Thread.Sleep(killEvery);
        long before = steps.Sum();
        Thread.Sleep(1000);
        long after = steps.Sum();
        stop.Cancel();
        samplers.ForEach(t => t.Join(TimeSpan.FromSeconds(30)));

        TestContext.Out.WriteLine($"{total.Elapsed.TotalSeconds:F0} s, {kills} kills, {steps.Sum() * envs} env steps ({steps.Sum() * envs / total.Elapsed.TotalSeconds:N0}/s), " +
                                  $"restore times {string.Join(", ", restoreTimes.Select(t => t.ToString("F2")))} s; {pool.Stats}");
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
        Assert.That(pool.Stats.Restarts, Is.EqualTo(kills), "restarts = kills");
        Assert.That(losses.Sum(), Is.EqualTo(kills), "each kill cost exactly one group one step");
        Assert.That(pool.Stats.EpisodesDropped, Is.EqualTo(droppedSeen.Sum()), "only the episodes in flight on the killed server were dropped");
        Assert.That(restoreTimes, Is.All.LessThan(5.0), "every replacement was sampling again within 5 s (R1)");
        Assert.That(after, Is.GreaterThan(before), "sampling continues after the last kill");
        var deadSet = dead.ToHashSet();
        Assert.That(committed.Where(deadSet.Contains), Is.Empty, "no transition of a killed episode was kept");
        Assert.That(pool.Stats.HealthyServers, Is.EqualTo(servers));
    }
}
