using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// Issue 10, part 2, client side: when a local server exits, its slot disposes the channel under the group's open step
/// stream. Disposing the pool afterwards (what a trainer does right after its final checkpoint) must not throw
/// "Cannot access a disposed object ... GrpcCall": that turned an interrupted run's exit 143 into a failure (exit 1).
/// </summary>
public class DisposeAfterLossTests
{
    [Test]
    public void DisposingThePoolAfterItsServerExitedUnderAnOpenStreamDoesNotThrow()
    {
        var options = TestServers.LocalOptions("Fault", 1, 2, TestServers.Options(("obs_size", "4"), ("action_size", "2")));
        var pool = EnvWorkerPool.Start(options);
        var group = pool.Groups[0];
        group.Reset(new long[] { 1, 2 }, new float[8]);
        var result = new VectorStepResult(2, 4);
        group.Step(new float[4], result); // the step stream is open now
        int pid = pool.ServerProcessIds[0];

        Signals.Send(pid, Signals.SIGKILL);
        // The exit watcher tears the lost server's connection down (its replacement may already be starting).
        Assert.That(TestServers.WaitUntil(() => !pool.ServerProcessIds.Contains(pid), TimeSpan.FromSeconds(10)), Is.True, "the exit watcher saw the server go");
        Assert.DoesNotThrow(pool.Dispose);
    }

    [Test]
    public async Task ATornDownConnectionDoesNotServeRatherThanThrowing()
    {
        // A group that lost a batch asks whether its server still serves; the slot may have torn the connection down
        // meanwhile (old: ObjectDisposedException on GrpcChannel out of the sampler).
        await using var host = await TestServers.StartAsync();
        var connection = ServerConnection.Create(host.Endpoint, null, null, "test connection", null);
        Assert.That(await connection.IsServingAsync(TimeSpan.FromSeconds(10)), Is.True);
        connection.Dispose();
        Assert.That(await connection.IsServingAsync(TimeSpan.FromSeconds(10)), Is.False);
    }
}
