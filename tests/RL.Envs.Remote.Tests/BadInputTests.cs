using Grpc.Core;
using Grpc.Net.Client;
using RL.Envs.Remote.Protocol;
using RL.Envs.Server;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>Every kind of bad input gets its gRPC status and a message naming the field, and the server keeps serving (R10).</summary>
public class BadInputTests
{
    private EnvServerHost _host = null!;
    private GrpcChannel _channel = null!;
    private EnvService.EnvServiceClient _client = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _host = await TestServers.StartAsync(new ServerOptions { MaxEnvs = 500 });
        (_channel, _client) = TestServers.Connect(_host.Endpoint);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(10);

    private OpenReply Open(string env = "Fault", uint n = 2, params (string, string)[] options)
    {
        var request = new OpenRequest { EnvId = env, NumEnvs = n };
        foreach (var (k, v) in options.Length == 0 ? new[] { ("obs_size", "4"), ("action_size", "3") } : options) request.Options[k] = v;
        return _client.Open(request, deadline: Deadline);
    }

    private static RpcException Fails(StatusCode code, Action call)
    {
        var e = Assert.Throws<RpcException>(() => call())!;
        Assert.That(e.StatusCode, Is.EqualTo(code), e.Status.Detail);
        return e;
    }

    private StepReply StepOnce(ulong batch, float[] actions)
    {
        using var call = _client.Step(deadline: Deadline);
        var request = new StepRequest { BatchId = batch, Seq = 1 };
        request.Actions.AddRange(actions);
        try
        {
            call.RequestStream.WriteAsync(request).GetAwaiter().GetResult();
        }
        catch (RpcException)
        {
            // The server may end the call while the request is still being written (an oversized message): the
            // write then sees the stream reset, and the call's status comes with the response.
        }
        if (!call.ResponseStream.MoveNext().GetAwaiter().GetResult()) throw new InvalidOperationException("no reply");
        return call.ResponseStream.Current;
    }

    [Test]
    public void WrongActionCountIsInvalidArgumentAndTheBatchStaysUsable()
    {
        var batch = Open().BatchId;
        var e = Fails(StatusCode.InvalidArgument, () => StepOnce(batch, new float[5]));
        Assert.That(e.Status.Detail, Does.Contain("StepRequest.actions has 5 values, expected 2 envs × 3 = 6"));
        var reply = StepOnce(batch, new float[6]);
        Assert.That(reply.Observations, Has.Count.EqualTo(8), "the batch was untouched and steps on a new stream");
    }

    [Test]
    public void NonFiniteActionIsInvalidArgumentNamingTheElement()
    {
        var batch = Open().BatchId;
        var actions = new float[6];
        actions[4] = float.NaN;
        var e = Fails(StatusCode.InvalidArgument, () => StepOnce(batch, actions));
        Assert.That(e.Status.Detail, Does.Contain("StepRequest.actions[4]").And.Contain("env 1").And.Contain("'a1'"));
        actions[4] = float.PositiveInfinity;
        Fails(StatusCode.InvalidArgument, () => StepOnce(batch, actions));
    }

    [Test]
    public void UnknownOptionIsInvalidArgumentWithTheNearestKey()
    {
        var e = Fails(StatusCode.InvalidArgument, () => Open("Fault", 2, ("obs_sise", "4")));
        Assert.That(e.Status.Detail, Does.Contain("OpenRequest.options").And.Contain("'obs_sise'").And.Contain("did you mean 'obs_size'"));
        e = Fails(StatusCode.InvalidArgument, () => Open("Fault", 2, ("obs_size", "many")));
        Assert.That(e.Status.Detail, Does.Contain("'obs_size' = 'many' is not an integer"));
    }

    [Test]
    public void UnknownEnvIsInvalidArgumentWithTheNearestId()
    {
        var e = Fails(StatusCode.InvalidArgument, () => Open("Pendulm", 1, ("frame_skip", "1")));
        Assert.That(e.Status.Detail, Does.Contain("OpenRequest.env_id").And.Contain("did you mean 'Pendulum'"));
        e = Fails(StatusCode.InvalidArgument, () => _client.Describe(new DescribeRequest { EnvId = "L2" }, deadline: Deadline));
        Assert.That(e.Status.Detail, Does.Contain("DescribeRequest.env_id"));
        Fails(StatusCode.InvalidArgument, () => Open("", 1, ("frame_skip", "1")));
    }

    [Test]
    public void OversizedMessageIsResourceExhausted()
    {
        var batch = Open().BatchId;
        var e = Fails(StatusCode.ResourceExhausted, () => StepOnce(batch, new float[400_000]));
        Assert.That(e.Status.Detail, Does.Contain("message").IgnoreCase);
        Assert.That(StepOnce(batch, new float[6]).Observations, Has.Count.EqualTo(8), "still serving");
    }

    [Test]
    public void BatchTooLargeForOneReplyIsInvalidArgument()
    {
        var e = Fails(StatusCode.InvalidArgument, () => Open("Fault", 60, ("obs_size", "4096")));
        Assert.That(e.Status.Detail, Does.Contain("OpenRequest.num_envs = 60").And.Contain("at most"));
    }

    [Test]
    public void CountsOutOfRangeAreRejectedWithTheirField()
    {
        Assert.That(Fails(StatusCode.InvalidArgument, () => Open("Fault", 0)).Status.Detail, Does.Contain("OpenRequest.num_envs = 0"));
        Assert.That(Fails(StatusCode.ResourceExhausted, () => Open("Fault", 501)).Status.Detail, Does.Contain("--max-envs"));
        var request = new OpenRequest { EnvId = "Pendulum", NumEnvs = 3 };
        request.Seeds.Add(1);
        Assert.That(Fails(StatusCode.InvalidArgument, () => _client.Open(request, deadline: Deadline)).Status.Detail, Does.Contain("OpenRequest.seeds has 1 seeds"));
        var batch = Open().BatchId;
        var reset = new ResetRequest { BatchId = batch };
        reset.Seeds.AddRange(new long[] { 1, 2, 3 });
        Assert.That(Fails(StatusCode.InvalidArgument, () => _client.Reset(reset, deadline: Deadline)).Status.Detail, Does.Contain("ResetRequest.seeds has 3 seeds for 2 envs"));
#pragma warning disable CS0612 // the deprecated field must be refused, not merged
        var skip = new OpenRequest { EnvId = "Pendulum", NumEnvs = 1, FrameSkip = 2 };
#pragma warning restore CS0612
        Assert.That(Fails(StatusCode.InvalidArgument, () => _client.Open(skip, deadline: Deadline)).Status.Detail,
            Does.Contain("OpenRequest.frame_skip = 2 is deprecated").And.Contain("options[\"frame_skip\"]"));
        var bad = new OpenRequest { EnvId = "Pendulum", NumEnvs = 1 };
        bad.Options["frame_skip"] = "0";
        Assert.That(Fails(StatusCode.InvalidArgument, () => _client.Open(bad, deadline: Deadline)).Status.Detail, Does.Contain("frame_skip"));
    }

    [Test]
    public void UnknownBatchIsNotFoundAndCloseIsIdempotent()
    {
        Assert.That(Fails(StatusCode.NotFound, () => StepOnce(12345, new float[1])).Status.Detail, Does.Contain("StepRequest.batch_id = 12345"));
        Assert.That(Fails(StatusCode.NotFound, () => _client.Reset(new ResetRequest { BatchId = 999 }, deadline: Deadline)).Status.Detail, Does.Contain("ResetRequest.batch_id"));
        var batch = Open().BatchId;
        _client.Close(new CloseRequest { BatchId = batch }, deadline: Deadline);
        _client.Close(new CloseRequest { BatchId = batch }, deadline: Deadline);
        Fails(StatusCode.NotFound, () => StepOnce(batch, new float[6]));
    }

    [Test]
    public async Task AStreamCannotSwitchBatches()
    {
        var a = Open().BatchId;
        var b = Open().BatchId;
        using var call = _client.Step(deadline: Deadline);
        var request = new StepRequest { BatchId = a, Seq = 1 };
        request.Actions.AddRange(new float[6]);
        call.RequestStream.WriteAsync(request).GetAwaiter().GetResult();
        Assert.That(call.ResponseStream.MoveNext().GetAwaiter().GetResult(), Is.True);
        request.BatchId = b;
        call.RequestStream.WriteAsync(request).GetAwaiter().GetResult();
        var e = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(e.Status.Detail, Does.Contain($"StepRequest.batch_id = {b}"));
    }

    [Test]
    public async Task ConcurrentCallsOnOneBatchAreFailedPrecondition()
    {
        var batch = Open("Fault", 1, ("obs_size", "4"), ("action_size", "3"), ("delay_ms", "3000")).BatchId;
        using var slow = _client.Step(deadline: Deadline);
        var request = new StepRequest { BatchId = batch, Seq = 1 };
        request.Actions.AddRange(new float[3]);
        await slow.RequestStream.WriteAsync(request);
        await Task.Delay(500);
        var e = Fails(StatusCode.FailedPrecondition, () => _client.Reset(new ResetRequest { BatchId = batch }, deadline: Deadline));
        Assert.That(e.Status.Detail, Does.Contain("in use by another call"));
        Assert.That(await slow.ResponseStream.MoveNext(), Is.True, "the first call completes normally");
    }

    [Test]
    public void AnEnvThatThrowsIsInternalThenTheBatchIsBroken()
    {
        var batch = Open("Fault", 2, ("obs_size", "4"), ("action_size", "3"), ("throw_after_steps", "2")).BatchId;
        StepOnce(batch, new float[6]);
        var e = Fails(StatusCode.Internal, () => StepOnce(batch, new float[6]));
        Assert.That(e.Status.Detail, Does.Contain("throw_after_steps").And.Contain("broken"));
        e = Fails(StatusCode.FailedPrecondition, () => StepOnce(batch, new float[6]));
        Assert.That(e.Status.Detail, Does.Contain("broken"));
        Assert.That(StepOnce(Open().BatchId, new float[6]).Observations, Has.Count.EqualTo(8), "other batches are fine");
    }

    [Test]
    public void ThePoolRejectsBadActionsBeforeSendingThem()
    {
        using var pool = EnvWorkerPool.Start(TestServers.RemoteOptions("Fault", new[] { _host.Endpoint }, 2, TestServers.Options(("obs_size", "4"), ("action_size", "3"))));
        var env = pool.Groups[0];
        env.Reset(ReadOnlySpan<long>.Empty, new float[8]);
        var result = new RL.Envs.Vector.VectorStepResult(2, 4);
        var e = Assert.Throws<ArgumentException>(() => env.Step(new float[5], result));
        Assert.That(e!.Message, Does.Contain("5 action values for 2 envs × 3"));
        var actions = new float[6];
        actions[2] = float.NaN;
        e = Assert.Throws<ArgumentException>(() => env.Step(actions, result));
        Assert.That(e!.Message, Does.Contain("action[2]").And.Contain("'a2'"));
        env.Step(new float[6], result);
        Assert.That(pool.Stats.Restarts, Is.Zero, "bad input is not a worker fault");
    }

    [Test]
    public void AnEnvFailureInAStepLosesTheBatchNotTheServer()
    {
        using var pool = EnvWorkerPool.Start(TestServers.RemoteOptions("Fault", new[] { _host.Endpoint }, 2,
            TestServers.Options(("obs_size", "4"), ("action_size", "3"), ("throw_after_steps", "5"))));
        var env = pool.Groups[0];
        var result = new RL.Envs.Vector.VectorStepResult(2, 4);
        env.Reset(ReadOnlySpan<long>.Empty, new float[8]);
        for (int t = 1; t < 5; t++) env.Step(new float[6], result);
        var e = Assert.Throws<EnvWorkerLostException>(() => env.Step(new float[6], result));
        Assert.That(e!.Message, Does.Contain("throw_after_steps").And.Contain("2 episode(s) in flight dropped"));
        Assert.That(pool.Stats.HealthyServers, Is.EqualTo(1), "the server itself is fine");
        Assert.That((pool.Stats.Restarts, pool.Stats.EpisodesDropped, pool.Stats.TransitionsDropped), Is.EqualTo((1L, 2L, 8L)), "a replaced batch counts like a restart");
        env.Reset(ReadOnlySpan<long>.Empty, new float[8]);
        env.Step(new float[6], result);
    }

    [Test]
    public void ThePoolRejectsABadEnvConfigurationAtStart()
    {
        var e = Assert.Throws<ArgumentException>(() => EnvWorkerPool.Start(TestServers.RemoteOptions("Fault", new[] { _host.Endpoint }, 2, TestServers.Options(("dificulty", "2")))));
        Assert.That(e!.Message, Does.Contain("'dificulty'"));
    }
}
