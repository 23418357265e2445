using Grpc.Core;
using RL.Envs.Remote.Protocol;
using RL.Envs.Server;
using RL.Envs.Vector;
using RL.Envs.Wrappers;

namespace RL.Envs.Remote.Tests;

/// <summary>The rl.env.v1 contract end to end against an in-process server: describe, open, step, reset, close.</summary>
public class ContractTests
{
    private EnvServerHost _host = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _host = await TestServers.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _host.DisposeAsync();

    [Test]
    public async Task DescribeListsTheEnvsAndASpecWithItsAcceptedOptions()
    {
        var (channel, client) = TestServers.Connect(_host.Endpoint);
        using var _ = channel;
        var server = await client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.That(server.Envs.Select(e => e.Id), Is.SupersetOf(new[] { "Pendulum", "Fault" }));
        Assert.That(server.Server.Protocol, Is.EqualTo("rl.env.v1"));
        Assert.That(server.Spec, Is.Null);

        var request = new DescribeRequest { EnvId = "Fault" };
        request.Options["obs_size"] = "7";
        request.Options["frame_skip"] = "4";
        var reply = await client.DescribeAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        var spec = reply.Spec.FromProto("test");
        var local = EnvCatalog.Create(allowTestEnvs: true).Create("Fault", new Dictionary<string, string> { ["obs_size"] = "7", ["frame_skip"] = "4" }).Spec;
        Assert.That(spec.ObservationSize, Is.EqualTo(7));
        Assert.That(spec.ActionSize, Is.EqualTo(18));
        Assert.That(spec.MaxEpisodeSteps, Is.EqualTo(250), "1000 frames / frame_skip 4");
        Assert.That(spec.ObservationNames, Is.EqualTo(local.ObservationNames));
        Assert.That(spec.ActionSpace.High, Is.EqualTo(local.ActionSpace.High));
        Assert.That(spec.ObservationSpace.Low, Is.EqualTo(local.ObservationSpace.Low), "infinite bounds survive the wire");
        Assert.That(spec.ActionMirror!.Source, Is.EqualTo(local.ActionMirror!.Source));
        Assert.That(spec.ObservationMirror!.Sign, Is.EqualTo(local.ObservationMirror!.Sign));
        Assert.That(spec.RewardTermNames, Is.EqualTo(new[] { "action_term", "noise_term" }));
        Assert.That((spec.Simulator, spec.SimulatorVersion), Is.EqualTo(("fault-injection", "1")));
        Assert.That(reply.AcceptedOptions["obs_size"], Is.EqualTo("7"));
        Assert.That(reply.AcceptedOptions["frame_skip"], Is.EqualTo("4"));
        Assert.That(reply.AcceptedOptions["max_steps"], Is.EqualTo("1000"), "defaults are listed too");
    }

    [Test]
    public void EndReasonNumbersMatch()
    {
        foreach (var reason in Enum.GetValues<RL.Envs.EndReason>())
            Assert.That(reason.ToProto().FromProto(), Is.EqualTo(reason));
        Assert.That(Enum.GetValues<Protocol.EndReason>(), Has.Length.EqualTo(Enum.GetValues<RL.Envs.EndReason>().Length));
    }

    /// <summary>Runs the same seeds and actions through SyncVectorEnv and through the server; every array must match bit for bit.</summary>
    [TestCase("Pendulum", 3, "", 450, TestName = "Served Pendulum equals in-process (autoreset at 200)")]
    [TestCase("Fault", 4, "max_steps=7;terminate_prob=0.05;obs_size=9;action_size=4", 120, TestName = "Served Fault env equals in-process (terminations, truncations)")]
    [TestCase("Fault", 3, "max_steps=20;nan_obs_prob=0.05;sim_error_prob=0.03;obs_size=6;action_size=2", 150, TestName = "Served Fault env equals in-process (dropped NaN steps, sim errors)")]
    [TestCase("Fault", 3, "max_steps=10;obs_size=6;action_size=2;frame_skip=3", 60, TestName = "Server-side frame skip equals in-process FrameSkip")]
    [TestCase("L2R", 2, "difficulty=2", 250, TestName = "Served Learning-to-Run equals in-process (falls, autoreset, obstacles)")]
    [TestCase("L2R", 2, "difficulty=2;frame_skip=4", 120, TestName = "Served Learning-to-Run with server-side frame skip equals in-process FrameSkip")]
    public void ServedResultsEqualInProcessResultsBitForBit(string envId, int numEnvs, string optionText, int steps)
    {
        var options = optionText.Length == 0 ? new Dictionary<string, string>()
            : optionText.Split(';').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        var registry = EnvCatalog.Create(allowTestEnvs: true);
        long[] seeds = Enumerable.Range(0, numEnvs).Select(i => 1000L + 17 * i).ToArray();

        // In process: frame_skip through the wrapper explicitly, so the server-side repeat is checked against it, and
        // episode seeding as the trainer's in-process envs do it (ReplayableEnv), so autoreset episodes, their seeds
        // included, are checked against what a trainer runs in process (issue 11).
        var inner = new Dictionary<string, string>(options);
        inner.Remove("frame_skip");
        int k = options.TryGetValue("frame_skip", out var f) ? int.Parse(f) : 1;
        using var local = new SyncVectorEnv(Enumerable.Range(0, numEnvs).Select(_ =>
        {
            var env = registry.Create(envId, inner);
            return (IEnv)new ReplayableEnv(k > 1 ? new FrameSkip(env, k) : env);
        }).ToArray());

        using var pool = EnvWorkerPool.Start(TestServers.RemoteOptions(envId, new[] { _host.Endpoint }, numEnvs, options));
        CompareBitForBit(local, pool.Groups[0], seeds, steps, expectDropped: optionText.Contains("nan_obs_prob"));
    }

    /// <summary>Steps <paramref name="local"/> and <paramref name="remote"/> with the same seeds and actions and asserts every output is identical.</summary>
    internal static void CompareBitForBit(IVectorEnv local, IVectorEnv remote, long[] seeds, int steps, bool expectDropped)
    {
        int numEnvs = local.NumEnvs;
        var spec = remote.Spec;
        int obs = spec.ObservationSize, act = spec.ActionSize;

        var localObs = new float[numEnvs * obs];
        var remoteObs = new float[numEnvs * obs];
        local.Reset(seeds, localObs);
        remote.Reset(seeds, remoteObs);
        Assert.That(remoteObs, Is.EqualTo(localObs), "reset observations");

        var rng = new RL.Envs.Random.Xoshiro256(7);
        var actions = new float[numEnvs * act];
        var a = new VectorStepResult(numEnvs, obs);
        var b = new VectorStepResult(numEnvs, obs);
        int endings = 0, dropped = 0;
        for (int t = 0; t < steps; t++)
        {
            // Some actions outside the space, so clipping is compared too.
            for (int i = 0; i < actions.Length; i++) actions[i] = (float)(rng.NextDouble() * 3 * spec.ActionSpace.High[i % act] - spec.ActionSpace.High[i % act]);
            local.Step(actions, a);
            remote.Step(actions, b);
            Assert.That(b.Observations, Is.EqualTo(a.Observations), $"observations at step {t}");
            Assert.That(b.Rewards, Is.EqualTo(a.Rewards), $"rewards at step {t}");
            Assert.That(b.ScoreRewards, Is.EqualTo(a.ScoreRewards), $"score rewards at step {t}");
            Assert.That(b.Terminated, Is.EqualTo(a.Terminated), $"terminated at step {t}");
            Assert.That(b.Truncated, Is.EqualTo(a.Truncated), $"truncated at step {t}");
            Assert.That(b.Reasons, Is.EqualTo(a.Reasons), $"reasons at step {t}");
            Assert.That(b.Dropped, Is.EqualTo(a.Dropped), $"dropped at step {t}");
            Assert.That(b.ClippedActions, Is.EqualTo(a.ClippedActions), $"clipped actions at step {t}");
            for (int i = 0; i < numEnvs; i++)
                if (a.Done(i) || a.Dropped[i])
                    Assert.That(b.FinalObservation(i).ToArray(), Is.EqualTo(a.FinalObservation(i).ToArray()), $"final observation of env {i} at step {t}");
            Assert.That(b.Episodes.Select(Key), Is.EqualTo(a.Episodes.Select(Key)), $"episode summaries at step {t}");
            endings += a.Episodes.Count;
            dropped += a.Dropped.Count(d => d);
        }
        Assert.That(endings, Is.GreaterThan(0), "the run crosses episode ends, so autoreset is exercised");
        if (expectDropped) Assert.That(dropped, Is.GreaterThan(0), "some transitions were dropped");
    }

    private static string Key(EpisodeSummary e) =>
        $"{e.EnvIndex}|{e.Score:R}|{e.Return:R}|{e.Length}|{e.Reason}|{e.Seed}|{string.Join(",", e.Terms.Select(x => x.ToString("R")))}";

    [Test]
    public void ResetWithSeedsReproducesAndWithoutContinuesTheStream()
    {
        using var pool = EnvWorkerPool.Start(TestServers.RemoteOptions("Pendulum", new[] { _host.Endpoint }, 2));
        var env = pool.Groups[0];
        var first = new float[6];
        var again = new float[6];
        var next = new float[6];
        env.Reset(new long[] { 5, 6 }, first);
        env.Reset(new long[] { 5, 6 }, again);
        env.Reset(ReadOnlySpan<long>.Empty, next);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(next, Is.Not.EqualTo(first));
    }

    [Test]
    public async Task ServesOverAUnixSocket()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-env-test-{Environment.ProcessId}.sock");
        await using var host = await TestServers.StartAsync(new ServerOptions { UnixSocket = path });
        using var pool = EnvWorkerPool.Start(TestServers.RemoteOptions("Pendulum", new[] { EnvEndpoint.Parse($"unix:{path}") }, 2));
        var env = pool.Groups[0];
        var obs = new float[6];
        env.Reset(new long[] { 1, 2 }, obs);
        var result = new VectorStepResult(2, 3);
        env.Step(new float[2], result);
        Assert.That(result.Observations.Any(v => v != 0), Is.True);
    }

    [Test]
    public void EndpointsParseAndNameTheirErrors()
    {
        Assert.That(EnvEndpoint.Parse("10.0.0.5:50051").Address.ToString(), Is.EqualTo("http://10.0.0.5:50051/"));
        Assert.That(EnvEndpoint.Parse("https://env.example:443").Tls, Is.True);
        Assert.That(EnvEndpoint.Parse("[::1]:7000").Host, Is.EqualTo("::1"));
        Assert.That(EnvEndpoint.Parse("unix:/run/rl.sock").UnixSocketPath, Is.EqualTo("/run/rl.sock"));
        Assert.That(EnvEndpoint.Parse("env-servers.rl.svc.cluster.local:50051").IsDnsName, Is.True);
        Assert.That(EnvEndpoint.ParseList("a:1,b:2"), Has.Count.EqualTo(2));
        var e = Assert.Throws<ArgumentException>(() => EnvEndpoint.Parse("localhost"));
        Assert.That(e!.Message, Does.Contain("--env-endpoints").And.Contain("host:port"));
        e = Assert.Throws<ArgumentException>(() => EnvEndpoint.Parse("h:99999"));
        Assert.That(e!.Message, Does.Contain("99999"));
    }

    [Test]
    public async Task HealthIsServing()
    {
        var (channel, _) = TestServers.Connect(_host.Endpoint);
        using var __ = channel;
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        foreach (string service in new[] { "", "rl.env.v1.EnvService" })
        {
            var reply = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(5));
            Assert.That(reply.Status, Is.EqualTo(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving), service);
        }
    }
}
