using System.Diagnostics;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// A server is lost and its replacement hangs before it listens (a stuck model load, a full disk, a wedged node):
/// the pool must kill the hung replacement, try again, and either recover or stop the run with a message that says
/// so, never leave the group's Reset waiting forever or a hung process behind (reliability.md R3-R5).
/// The servers are started through a shell wrapper that counts starts and turns chosen ones into a hang.
/// </summary>
[NonParallelizable]
public class HungReplacementTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("rl-hung-replacement-").FullName;

    [TearDown]
    public void KillLeftoversAndDelete()
    {
        foreach (int pid in HungPids())
            if (TestServers.ProcessAlive(pid)) Signals.Send(pid, Signals.SIGKILL);
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Starts number <paramref name="firstHang"/> to <paramref name="lastHang"/> (0-based, inclusive) hang; the others run the real server.</summary>
    private ServerCommand Wrapper(int firstHang, int lastHang)
    {
        var server = TestServers.Command;
        string script = Path.Combine(_dir, "serve.sh");
        File.WriteAllText(script, $$"""
            #!/bin/bash
            dir='{{_dir}}'
            n=$(cat "$dir/starts" 2>/dev/null || echo 0)
            echo $((n + 1)) > "$dir/starts"
            if [ "$n" -ge {{firstHang}} ] && [ "$n" -le {{lastHang}} ]; then echo $$ >> "$dir/hung"; exec sleep 600; fi
            exec '{{server.FileName}}' {{string.Join(' ', server.Arguments.Select(a => $"'{a}'"))}} "$@"
            """);
        return new ServerCommand("/bin/bash", new[] { script });
    }

    private int Starts()
    {
        string path = Path.Combine(_dir, "starts");
        return File.Exists(path) ? int.Parse(File.ReadAllText(path).Trim()) : 0;
    }

    private int[] HungPids()
    {
        string path = Path.Combine(_dir, "hung");
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(int.Parse).ToArray() : Array.Empty<int>();
    }

    private RemoteEnvOptions Options(ServerCommand command, int maxConsecutiveFailures) =>
        TestServers.LocalOptions("Fault", 1, 2, TestServers.Options(("obs_size", "6"), ("action_size", "2"), ("max_steps", "30"))) with
        {
            ServerCommand = command,
            Restarts = new RestartPolicy
            {
                ServerStartTimeout = TimeSpan.FromSeconds(3),
                MaxConsecutiveFailuresPerSlot = maxConsecutiveFailures,
                RestoreTimeout = TimeSpan.FromSeconds(60),
            },
        };

    /// <summary>Samples on the pool's one server, kills it, and sees the group report the loss.</summary>
    private static (RemoteVectorEnv Group, VectorStepResult Result, int FirstPid) LoseTheFirstServer(EnvWorkerPool pool)
    {
        var group = pool.Groups[0];
        var result = new VectorStepResult(2, 6);
        group.Reset(ReadOnlySpan<long>.Empty, new float[12]);
        group.Step(new float[4], result);
        int first = group.ServerProcessId!.Value;
        Signals.Send(first, Signals.SIGKILL);
        Assert.That(TestServers.WaitUntil(() => !TestServers.ProcessAlive(first), TimeSpan.FromSeconds(5)), Is.True);
        Assert.Throws<EnvWorkerLostException>(() =>
        {
            for (int t = 0; t < 100; t++) group.Step(new float[4], result);
        });
        return (group, result, first);
    }

    [Test]
    public void AReplacementThatHangsIsKilledAndTheNextOneServes()
    {
        using var pool = EnvWorkerPool.Start(Options(Wrapper(firstHang: 1, lastHang: 1), maxConsecutiveFailures: 5));
        var (group, result, first) = LoseTheFirstServer(pool);

        var watch = Stopwatch.StartNew();
        group.Reset(ReadOnlySpan<long>.Empty, new float[12]);
        var restored = watch.Elapsed;
        for (int t = 0; t < 5; t++) group.Step(new float[4], result);

        // At least 3 starts: the first server, the hung replacement, the one that serves (more if a loaded CI machine
        // makes a real start miss the 3 s; only start 1 hangs).
        Assert.That(Starts(), Is.GreaterThanOrEqualTo(3));
        Assert.That(HungPids(), Has.Length.EqualTo(1));
        Assert.That(TestServers.WaitUntil(() => !TestServers.ProcessAlive(HungPids()[0]), TimeSpan.FromSeconds(5)), Is.True, "the hung replacement was killed");
        Assert.That(group.ServerProcessId, Is.Not.EqualTo(first));
        Assert.That(restored, Is.LessThan(TimeSpan.FromSeconds(30)), "bounded by start timeouts and back-offs, not the 60 s restore timeout");
        Assert.That(pool.Stats.HealthyServers, Is.EqualTo(1));
    }

    [Test]
    public void ReplacementsThatAlwaysHangStopTheRunNamingTheHang()
    {
        using var pool = EnvWorkerPool.Start(Options(Wrapper(firstHang: 1, lastHang: int.MaxValue), maxConsecutiveFailures: 2));
        var (group, _, _) = LoseTheFirstServer(pool);

        var watch = Stopwatch.StartNew();
        var failure = Assert.Throws<EnvFleetFailedException>(() => group.Reset(ReadOnlySpan<long>.Empty, new float[12]));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3 * 3 + 10)), "two hung starts of 3 s, their back-offs and slack, not the 60 s restore timeout");
        Assert.That(failure!.Message, Does.Contain("consecutive failures of slot 0"));
        Assert.That(failure.Message, Does.Contain("did not listen within 3 s"));
        Assert.That(HungPids(), Has.Length.EqualTo(2), "the loss is failure 1, the hung replacements 2 and 3: past the limit of 2");
        Assert.That(TestServers.WaitUntil(() => HungPids().All(p => !TestServers.ProcessAlive(p)), TimeSpan.FromSeconds(5)), Is.True, "no hung replacement is left behind");
    }
}
