using System.Diagnostics;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// The worker pool against real child-process servers: a killed, hung, stopped or crash-looping server, and the
/// aggregate vector env. A "training-like loop" keeps each env's transitions pending until its episode ends, commits
/// them then, and discards them when the group's server is lost (what a trainer must do with EnvWorkerLostException).
/// </summary>
public class PoolTests
{
    private static Dictionary<string, string> Fault(params (string, string)[] extra)
    {
        var o = TestServers.Options(("obs_size", "6"), ("action_size", "2"), ("max_steps", "30"));
        foreach (var (k, v) in extra) o[k] = v;
        return o;
    }

    /// <summary>A minimal trainer-side buffer: per-env pending episodes, committed when they end, dropped on a loss.</summary>
    private sealed class EpisodeBuffer
    {
        private readonly List<(float Hi, float Lo, float Step)>[] _pending;
        public List<(float Hi, float Lo, float Step)> Committed { get; } = new();

        public EpisodeBuffer(int envs) => _pending = Enumerable.Range(0, envs).Select(_ => new List<(float, float, float)>()).ToArray();

        public void Add(VectorStepResult r, int obsSize)
        {
            for (int i = 0; i < r.NumEnvs; i++)
            {
                var next = r.Done(i) || r.Dropped[i] ? r.FinalObservation(i) : r.Observation(i);
                if (!r.Dropped[i]) _pending[i].Add((next[0], next[1], next[2]));
                if (r.Done(i) || r.Dropped[i])
                {
                    Committed.AddRange(_pending[i]);
                    _pending[i].Clear();
                }
            }
        }

        /// <summary>The server was lost: the episodes in flight have no valid continuation and are discarded.</summary>
        public void DropInFlight()
        {
            foreach (var p in _pending) p.Clear();
        }
    }

    [Test]
    public void TwoLocalServersServeTwoGroupsAndTheirAggregate()
    {
        int[] pids;
        using (var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 2, 3, Fault())))
        {
            pids = pool.ServerProcessIds.ToArray();
            Assert.That(pids, Has.Length.EqualTo(2).And.Unique);
            Assert.That(pids.All(TestServers.ProcessAlive), Is.True);
            Assert.That(pool.Stats.HealthyServers, Is.EqualTo(2));
            Assert.That(pool.Groups.Select(g => g.NumEnvs), Is.EqualTo(new[] { 3, 3 }));

            var all = pool.CreateVectorEnv();
            var obs = new float[6 * 6];
            all.Reset(Enumerable.Range(0, 6).Select(i => (long)i).ToArray(), obs);
            var result = new VectorStepResult(6, 6);
            int episodes = 0;
            for (int t = 0; t < 65; t++)
            {
                all.Step(new float[12], result);
                episodes += result.Episodes.Count;
            }
            Assert.That(episodes, Is.EqualTo(12), "6 envs × 2 episodes of 30 steps");
            Assert.That(result.Dropped.Any(d => d), Is.False);
            Assert.That(pool.Stats.Restarts, Is.Zero);
        }
        Assert.That(TestServers.WaitUntil(() => !pids.Any(TestServers.ProcessAlive), TimeSpan.FromSeconds(5)), Is.True, "disposing the pool stops its servers");
    }

    [Test]
    public void AChildProcessServerGivesTheInProcessResultsBitForBit([Values] LocalTransport transport)
    {
        var options = Fault(("terminate_prob", "0.05"), ("sim_error_prob", "0.02"), ("nan_obs_prob", "0.02"), ("frame_skip", "2"));
        var inner = new Dictionary<string, string>(options);
        inner.Remove("frame_skip");
        var registry = RL.Envs.Server.EnvCatalog.Create(allowTestEnvs: true);
        using var local = new SyncVectorEnv(Enumerable.Range(0, 3).Select(_ => (IEnv)new RL.Envs.Wrappers.EpisodeSeeding(new RL.Envs.Wrappers.FrameSkip(registry.Create("Fault", inner), 2))).ToArray());
        using var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 1, 3, options, transport));
        ContractTests.CompareBitForBit(local, pool.Groups[0], new long[] { 11, 12, 13 }, 150, expectDropped: true);
        Assert.That(pool.Groups[0].Transport, Is.EqualTo(TestServers.Name(transport)));
    }

    [Test]
    public void AKilledServerMidEpisodeIsReplacedAndItsEpisodesNeverReachTheBuffer([Values] LocalTransport transport)
    {
        using var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 2, 4, Fault(), transport));
        var lostGroup = pool.Groups[0];
        var otherGroup = pool.Groups[1];
        var buffers = new[] { new EpisodeBuffer(4), new EpisodeBuffer(4) };
        var results = new[] { new VectorStepResult(4, 6), new VectorStepResult(4, 6) };
        foreach (var g in pool.Groups) g.Reset(ReadOnlySpan<long>.Empty, new float[24]);
        var deadTags = new HashSet<(float, float)>();
        int victim = lostGroup.ServerProcessId!.Value;
        int losses = 0;
        TimeSpan restore = TimeSpan.Zero;

        for (int t = 0; t < 120; t++)
        {
            if (t == 17) Process.GetProcessById(victim).Kill(); // SIGKILL mid-episode
            for (int g = 0; g < 2; g++)
            {
                var group = pool.Groups[g];
                try
                {
                    group.Step(new float[8], results[g]);
                    buffers[g].Add(results[g], 6);
                }
                catch (EnvWorkerLostException e)
                {
                    Assert.That(g, Is.EqualTo(0), "only the killed server's group is affected");
                    Assert.That(e.TimedOut, Is.False);
                    losses++;
                    for (int i = 0; i < 4; i++) deadTags.Add((results[g].Observations[i * 6], results[g].Observations[i * 6 + 1]));
                    buffers[g].DropInFlight();
                    var watch = Stopwatch.StartNew();
                    group.Reset(ReadOnlySpan<long>.Empty, results[g].Observations);
                    restore = watch.Elapsed;
                }
            }
        }

        Assert.That(losses, Is.EqualTo(1));
        Assert.That(lostGroup.Transport, Is.EqualTo(TestServers.Name(transport)), "the replacement is stepped the same way");
        Assert.That(pool.Stats.Restarts, Is.EqualTo(1));
        Assert.That(pool.Stats.EpisodesDropped, Is.EqualTo(4), "every env of the group had an episode in flight");
        Assert.That(pool.Stats.TransitionsDropped, Is.EqualTo(4 * 17));
        Assert.That(lostGroup.LostEpisodes.Select(e => (e.Length, e.Reason)), Is.All.EqualTo((17, EndReason.ServerLost)));
        Assert.That(restore, Is.LessThan(TimeSpan.FromSeconds(5)), "replaced and sampling again within 5 s (R1)");
        Assert.That(TestServers.ProcessAlive(victim), Is.False);
        Assert.That(lostGroup.ServerProcessId, Is.Not.EqualTo(victim));
        Assert.That(pool.Stats.HealthyServers, Is.EqualTo(2));
        Assert.That(buffers[0].Committed.Where(x => deadTags.Contains((x.Hi, x.Lo))), Is.Empty, "no transition of a dead episode is used");
        Assert.That(buffers[0].Committed.Count(x => x.Step == 30), Is.GreaterThanOrEqualTo(4), "training went on: episodes completed on the replacement");
        Assert.That(buffers[1].Committed, Has.Count.EqualTo(4 * 30 * 4), "the other server's 4 episodes per env were all kept");
    }

    [Test]
    public void AHungServerIsTimedOutKilledAndReplaced([Values] LocalTransport transport)
    {
        var options = TestServers.LocalOptions("Fault", 2, 2, Fault(("hang_after_steps", "10"), ("fail_slots", "0")), transport) with
        {
            Deadlines = new EnvDeadlines { MinStep = TimeSpan.FromSeconds(1) },
        };
        using var pool = EnvWorkerPool.Start(options);
        var hung = pool.Groups[0];
        int victim = hung.ServerProcessId!.Value;
        var result = new VectorStepResult(2, 6);
        hung.Reset(ReadOnlySpan<long>.Empty, new float[12]);
        pool.Groups[1].Reset(ReadOnlySpan<long>.Empty, new float[12]);
        for (int t = 0; t < 9; t++) hung.Step(new float[4], result);

        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<EnvWorkerLostException>(() => hung.Step(new float[4], result));
        Assert.That(e!.TimedOut, Is.True);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(5)), "the learner never blocks longer than the deadline + 5 s (R3)");
        Assert.That(e.Message, Does.Contain("deadline"));
        for (int t = 0; t < 20; t++) pool.Groups[1].Step(new float[4], result); // the other server keeps sampling meanwhile

        Assert.That(TestServers.WaitUntil(() => !TestServers.ProcessAlive(victim), TimeSpan.FromSeconds(5)), Is.True, "the hung server was killed");
        hung.Reset(ReadOnlySpan<long>.Empty, new float[12]);
        for (int t = 0; t < 5; t++) hung.Step(new float[4], result);
        Assert.That((pool.Stats.Timeouts, pool.Stats.Restarts), Is.EqualTo((1L, 1L)));
        Assert.That(hung.ServerProcessId, Is.Not.EqualTo(victim));
    }

    [Test]
    public void AStoppedServerIsTreatedAsHung([Values] LocalTransport transport)
    {
        var options = TestServers.LocalOptions("Fault", 1, 2, Fault(), transport) with { Deadlines = new EnvDeadlines { MinStep = TimeSpan.FromSeconds(1) } };
        using var pool = EnvWorkerPool.Start(options);
        var group = pool.Groups[0];
        int victim = group.ServerProcessId!.Value;
        var result = new VectorStepResult(2, 6);
        group.Reset(ReadOnlySpan<long>.Empty, new float[12]);
        group.Step(new float[4], result);
        Signals.Send(victim, Signals.SIGSTOP);
        try
        {
            var e = Assert.Throws<EnvWorkerLostException>(() => group.Step(new float[4], result));
            Assert.That(e!.TimedOut, Is.True);
            group.Reset(ReadOnlySpan<long>.Empty, new float[12]);
            group.Step(new float[4], result);
            Assert.That(TestServers.ProcessAlive(victim), Is.False, "SIGKILL ends a stopped server");
            Assert.That(pool.Stats.Timeouts, Is.EqualTo(1));
        }
        finally
        {
            if (TestServers.ProcessAlive(victim)) Signals.Send(victim, Signals.SIGKILL);
        }
    }

    [Test]
    public void ACrashStormStopsTheRunNamingTheServerItsExitAndItsStderr()
    {
        var options = TestServers.LocalOptions("Fault", 1, 2, Fault(("crash_after_steps", "3"))) with
        {
            Restarts = new RestartPolicy { MaxRestartsPerMinute = 3 },
        };
        using var pool = EnvWorkerPool.Start(options);
        var group = pool.Groups[0];
        var result = new VectorStepResult(2, 6);
        group.Reset(ReadOnlySpan<long>.Empty, new float[12]);
        var watch = Stopwatch.StartNew();
        EnvFleetFailedException? failure = null;
        int losses = 0;
        while (failure is null && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                group.Step(new float[4], result);
            }
            catch (EnvWorkerLostException)
            {
                losses++;
                try { group.Reset(ReadOnlySpan<long>.Empty, new float[12]); }
                catch (EnvFleetFailedException f) { failure = f; }
            }
            catch (EnvFleetFailedException f)
            {
                failure = f;
            }
        }
        Assert.That(failure, Is.Not.Null, "the run stops instead of looping forever");
        TestContext.Out.WriteLine(failure!.Message);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "within 60 s (R5)");
        Assert.That(losses, Is.EqualTo(4));
        Assert.That(failure!.Message, Does.Contain("4 env server restarts within a minute (limit 3 per minute"));
        Assert.That(failure.Message, Does.Contain("env server 0 (pid"), "names the server");
        Assert.That(failure.Message, Does.Contain("SIGABRT"), "its exit status");
        Assert.That(failure.Message, Does.Contain("crash_after_steps = 3 reached"), "its last stderr lines");
        Assert.That(pool.Stats.HealthyServers, Is.Zero);
        Assert.Throws<EnvFleetFailedException>(() => group.Reset(ReadOnlySpan<long>.Empty, new float[12]));
    }

    [Test]
    public void AServerThatCannotStartFailsThePoolFast()
    {
        var options = TestServers.LocalOptions("Fault", 2, 2) with
        {
            ServerCommand = new ServerCommand("/bin/sh", new[] { "-c", "echo 'model file missing' >&2; exit 3", "sh" }),
        };
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<EnvFleetFailedException>(() => EnvWorkerPool.Start(options));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "R6: fail fast");
        Assert.That(e!.Message, Does.Contain("env server 0").And.Contain("exit code 3").And.Contain("model file missing"));
    }

    [Test]
    public void TheAggregateDropsALostGroupsRowsUntilItsReplacementIsUp([Values] LocalTransport transport)
    {
        using var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 2, 2, Fault(), transport));
        var all = pool.CreateVectorEnv();
        var obs = new float[4 * 6];
        all.Reset(new long[] { 1, 2, 3, 4 }, obs);
        var result = new VectorStepResult(4, 6);
        for (int t = 0; t < 5; t++) all.Step(new float[8], result);
        int victim = pool.Groups[1].ServerProcessId!.Value;
        Process.GetProcessById(victim).Kill();

        all.Step(new float[8], result);
        Assert.That(result.Dropped, Is.EqualTo(new[] { false, false, true, true }));
        Assert.That(result.Reasons.Skip(2), Is.All.EqualTo(EndReason.ServerLost));
        Assert.That(result.Episodes.Select(e => (e.EnvIndex, e.Length, e.Reason)), Is.EqualTo(new[] { (2, 5, EndReason.ServerLost), (3, 5, EndReason.ServerLost) }));
        Assert.That(all.DownGroups, Is.EqualTo(1));

        var watch = Stopwatch.StartNew();
        int steps = 0;
        while (all.DownGroups > 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            all.Step(new float[8], result);
            Assert.That(result.Dropped.Take(2), Is.All.False, "the healthy group keeps sampling");
            steps++;
        }
        Assert.That(all.DownGroups, Is.Zero, "the group came back");
        Assert.That(result.Dropped.Skip(2), Is.All.True, "the step that brings it back carries no transition");
        all.Step(new float[8], result);
        Assert.That(result.Dropped, Is.All.False);
        Assert.That(pool.Stats.Restarts, Is.EqualTo(1));
        Assert.That(steps, Is.GreaterThan(0));
    }
}
