using Grpc.Core;
using RL.Envs.Remote.Protocol;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// What a production server refuses, against real server processes (issue 10, parts 5 and 6): the fault-injection env
/// without --allow-test-envs, Opens past the env memory budget, seeds outside [0, 2^32) (refused before any env is
/// touched, so the batch still steps), and a listening line that names the address actually bound.
/// </summary>
public class ServerLimitsTests
{
    private static RpcException Fails(StatusCode code, Action call)
    {
        var e = Assert.Throws<RpcException>(() => call())!;
        Assert.That(e.StatusCode, Is.EqualTo(code), e.Status.Detail);
        return e;
    }

    private static OpenRequest L2R(int envs, params long[] seeds)
    {
        var request = new OpenRequest { EnvId = "L2R", NumEnvs = (uint)envs };
        request.Seeds.AddRange(seeds);
        return request;
    }

    [Test]
    public void TheFaultEnvIsRefusedWithoutAllowTestEnvs()
    {
        using var server = ServerChild.Start();
        var open = new OpenRequest { EnvId = "Fault", NumEnvs = 1 };
        open.Options["crash_after_steps"] = "1";
        var e = Fails(StatusCode.InvalidArgument, () => server.Client.Open(open));
        Assert.That(e.Status.Detail, Does.Contain("OpenRequest.env_id").And.Contain("--allow-test-envs"));
        e = Fails(StatusCode.InvalidArgument, () => server.Client.Describe(new DescribeRequest { EnvId = "Fault" }));
        Assert.That(e.Status.Detail, Does.Contain("--allow-test-envs"));
        Assert.That(server.Client.Describe(new DescribeRequest()).Envs.Select(x => x.Id), Does.Not.Contain("Fault"));
        server.AssertAliveAndClean("after asking for the fault env");
    }

    [Test]
    public void WithAllowTestEnvsTheFaultEnvIsServed()
    {
        using var server = ServerChild.Start(null, "--allow-test-envs");
        var open = new OpenRequest { EnvId = "Fault", NumEnvs = 1 };
        open.Options["obs_size"] = "4";
        Assert.That(server.Client.Open(open).Spec.ObservationSize, Is.EqualTo(4u));
    }

    [Test]
    public void SeedsOutside32BitsAreInvalidArgumentAndTheBatchStillSteps()
    {
        using var server = ServerChild.Start();
        var e = Fails(StatusCode.InvalidArgument, () => server.Client.Open(L2R(2, 1, 1L << 32)));
        Assert.That(e.Status.Detail, Does.Contain("OpenRequest.seeds[1] = 4294967296").And.Contain("[0, 2^32)"));
        Fails(StatusCode.InvalidArgument, () => server.Client.Open(L2R(2, -1, 3)));
        Assert.That(server.Client.Describe(new DescribeRequest()).Server.OpenEnvs, Is.Zero, "refused Opens hold nothing");

        var batch = server.Client.Open(L2R(2, 1, 2), deadline: DateTime.UtcNow.AddSeconds(60)).BatchId;
        var bad = new ResetRequest { BatchId = batch };
        bad.Seeds.AddRange(new[] { 5L, -1L });
        e = Fails(StatusCode.InvalidArgument, () => server.Client.Reset(bad));
        Assert.That(e.Status.Detail, Does.Contain("ResetRequest.seeds[1] = -1"));

        // The batch is unchanged: it steps, and takes a good Reset (it used to be broken: INTERNAL, then FAILED_PRECONDITION).
        using (var call = server.Client.Step())
        {
            var step = new StepRequest { BatchId = batch, Seq = 1 };
            step.Actions.AddRange(new float[2 * 18]);
            call.RequestStream.WriteAsync(step).GetAwaiter().GetResult();
            Assert.That(call.ResponseStream.MoveNext().GetAwaiter().GetResult(), Is.True);
            Assert.That(call.ResponseStream.Current.Observations, Has.Count.EqualTo(2 * 41));
            call.RequestStream.CompleteAsync().GetAwaiter().GetResult();
        }
        var good = new ResetRequest { BatchId = batch };
        good.Seeds.AddRange(new[] { 5L, uint.MaxValue });
        Assert.That(server.Client.Reset(good).Observations, Has.Count.EqualTo(2 * 41));
    }

    [Test]
    public void AnOpenPastTheMemoryBudgetIsResourceExhaustedNamingTheNumbers()
    {
        // L2R envs are estimated at 3.5 MiB each: two fit in 10 MiB, a third does not.
        using var server = ServerChild.Start(null, "--max-env-memory-mb", "10");
        var first = server.Client.Open(L2R(2), deadline: DateTime.UtcNow.AddSeconds(60)).BatchId;
        var e = Fails(StatusCode.ResourceExhausted, () => server.Client.Open(L2R(1)));
        Assert.That(e.Status.Detail, Does.Contain("3.5 MB each").And.Contain("7 MB of its 10 MB").And.Contain("--max-env-memory-mb"));
        Assert.That(server.Client.Describe(new DescribeRequest()).Server.OpenEnvs, Is.EqualTo(2u));

        // Closing returns the reservation.
        server.Client.Close(new CloseRequest { BatchId = first });
        Assert.That(TestServers.WaitUntil(() => server.Client.Describe(new DescribeRequest()).Server.OpenEnvs == 0, TimeSpan.FromSeconds(5)), Is.True);
        Assert.DoesNotThrow(() => server.Client.Open(L2R(2), deadline: DateTime.UtcNow.AddSeconds(60)));
    }

    [Test]
    public void TheDefaultMemoryBudgetIsAShareOfTheMachine()
    {
        var options = new Server.ServerOptions();
        Assert.That(options.EffectiveMaxEnvMemoryBytes, Is.EqualTo((long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * Server.ServerOptions.DefaultMemoryFraction)));
        Assert.That((options with { MaxEnvMemoryMb = 100 }).EffectiveMaxEnvMemoryBytes, Is.EqualTo(100L << 20));
        var e = Assert.Throws<ArgumentException>(() => (options with { MaxEnvMemoryMb = 0 }).Validate());
        Assert.That(e!.Message, Does.Contain("--max-env-memory-mb 0"));
    }

    [Test]
    public void TheListeningLineNamesTheAddressActuallyBound()
    {
        using var server = ServerChild.Start(new Dictionary<string, string> { [Server.ServerOptions.TokenVariable] = "test-token-123" }, "--host", "0.0.0.0");
        Assert.That(server.ListeningLine, Does.StartWith($"{Server.EnvServerHost.ListeningPrefix}0.0.0.0:"));
    }
}
