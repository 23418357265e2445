using Grpc.Core;
using RL.Envs.Remote.Protocol;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// Issue 10, part 2, against real server processes: a batch closed while a stream or a call still holds it is never
/// stepped afterwards (that stepped freed MuJoCo memory and aborted the server with "free(): corrupted unsorted
/// chunks"), a stopping server fails its calls with a status instead of a native abort, and a managed server ignores
/// the SIGTERM that reaches its trainer's whole process group.
/// </summary>
public class ServerLifetimeTests
{
    private const int L2RActions = 18;

    private static OpenReply OpenL2R(ServerChild server, int envs) =>
        server.Client.Open(new OpenRequest { EnvId = "L2R", NumEnvs = (uint)envs, Client = "ServerLifetimeTests" }, deadline: DateTime.UtcNow.AddSeconds(60));

    private static StepRequest StepOf(ulong batch, ulong seq, int envs)
    {
        var request = new StepRequest { BatchId = batch, Seq = seq };
        for (int i = 0; i < envs * L2RActions; i++) request.Actions.Add(0.1f);
        return request;
    }

    private static async Task<StepReply> StepAsync(AsyncDuplexStreamingCall<StepRequest, StepReply> call, StepRequest request)
    {
        await call.RequestStream.WriteAsync(request);
        Assert.That(await call.ResponseStream.MoveNext(), Is.True, "a reply per request");
        return call.ResponseStream.Current;
    }

    [Test]
    public async Task AStepOnAStreamWhoseBatchWasClosedIsNotFoundAndTheServerKeepsServing()
    {
        using var server = ServerChild.Start();
        var batch = OpenL2R(server, 2).BatchId;
        using (var call = server.Client.Step())
        {
            var first = await StepAsync(call, StepOf(batch, 1, 2));
            Assert.That(first.Observations, Has.Count.EqualTo(2 * 41));

            server.Client.Close(new CloseRequest { BatchId = batch });

            // The stream still names the closed batch: this step used to run on the freed simulators.
            var e = await Assert.ThrowsAsync<RpcException>(() => StepAsync(call, StepOf(batch, 2, 2)));
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.NotFound), e.Status.Detail);
            Assert.That(e.Status.Detail, Does.Contain($"batch {batch}").And.Contain("closed"));
        }

        server.AssertAliveAndClean("after stepping a closed batch");
        var again = OpenL2R(server, 1).BatchId;
        using var fresh = server.Client.Step();
        Assert.That((await StepAsync(fresh, StepOf(again, 1, 1))).Seq, Is.EqualTo(1UL), "a new batch steps");
        await fresh.RequestStream.CompleteAsync();
    }

    [Test]
    public async Task CloseRacingStepAndResetNeverCrashesTheServer()
    {
        using var server = ServerChild.Start();
        var random = new System.Random(10);
        var allowed = new[] { StatusCode.NotFound, StatusCode.FailedPrecondition };
        for (int iteration = 0; iteration < 50; iteration++)
        {
            var batch = OpenL2R(server, 1).BatchId;
            using var call = server.Client.Step();
            using var stop = new CancellationTokenSource();
            var stepping = Task.Run(async () =>
            {
                for (ulong seq = 1; !stop.IsCancellationRequested; seq++) await StepAsync(call, StepOf(batch, seq, 1));
            });
            var resetting = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var reset = new ResetRequest { BatchId = batch };
                    reset.Seeds.Add(7);
                    try
                    {
                        await server.Client.ResetAsync(reset);
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && e.Status.Detail.Contains("in use"))
                    {
                        // The stream's step holds the batch: try again, so Resets keep racing the Close.
                    }
                }
            });
            await Task.Delay(random.Next(0, 4));
            server.Client.Close(new CloseRequest { BatchId = batch });
            stop.Cancel();
            foreach (var (task, what) in new[] { (stepping, "Step"), (resetting, "Reset") })
            {
                try
                {
                    await task.WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (RpcException e) when (allowed.Contains(e.StatusCode))
                {
                    // The call met the batch closed (NOT_FOUND) or busy with the other call (FAILED_PRECONDITION).
                }
                catch (RpcException e)
                {
                    Assert.Fail($"iteration {iteration}: {what} failed with {e.StatusCode}: {e.Status.Detail}\nserver stderr:\n{server.Stderr}");
                }
            }
            if (server.Process.HasExited) Assert.Fail($"iteration {iteration}: the server died ({server.Process.ExitCode}):\n{server.Stderr}");
        }
        server.AssertAliveAndClean("after 50 Close/Step/Reset races");
    }

    [Test]
    public async Task AStoppingServerFailsTheStepsInFlightWithAStatusNotANativeAbort()
    {
        using var server = ServerChild.Start();
        var batch = OpenL2R(server, 2).BatchId;
        using var call = server.Client.Step();
        await StepAsync(call, StepOf(batch, 1, 2));
        var stepping = Task.Run(async () =>
        {
            for (ulong seq = 2; ; seq++) await StepAsync(call, StepOf(batch, seq, 2));
        });
        await Task.Delay(200);
        Signals.Send(server.Process.Id, Signals.SIGTERM); // a standalone server stops on SIGTERM

        var e = await Assert.ThrowsAsync<RpcException>(() => stepping.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable).Or.EqualTo(StatusCode.Cancelled), e.Status.Detail);
        Assert.That(server.Process.WaitForExit(15_000), Is.True, "the server stops");
        server.Process.WaitForExit();
        Assert.That(server.Process.ExitCode, Is.EqualTo(0), $"a clean stop, not an abort:\n{server.Stderr}");
        server.AssertNoNativeFault("stopping while stepping");
    }

    [Test]
    public void AManagedServerIgnoresSigtermAndStopsWhenItsStdinCloses()
    {
        using var server = ServerChild.Start(null, "--managed");
        Signals.Send(server.Process.Id, Signals.SIGTERM); // what systemd, Slurm or timeout send to the trainer's group
        Signals.Send(server.Process.Id, Signals.SIGINT);
        Thread.Sleep(1000);
        server.AssertAliveAndClean("after SIGTERM and SIGINT");

        server.Process.StandardInput.Close(); // the trainer lets go
        Assert.That(server.Process.WaitForExit(10_000), Is.True, "a managed server exits when its stdin closes");
    }
}
