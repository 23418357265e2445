using System.Net.Sockets;
using Grpc.Core;
using RL.Envs.Remote.Protocol;
using RL.Envs.Server;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// The local step channel's own contract (issue 16; StepFrames): only the client holding a batch's key steps it, a bad
/// request ends the channel with the Step stream's status and leaves the batch unchanged, and a client uses the channel
/// only for servers its pool started on this machine.
/// </summary>
public class StepChannelTests
{
    private static readonly Dictionary<string, string> Fault = TestServers.Options(("obs_size", "4"), ("action_size", "2"), ("max_steps", "1000"));

    private static async Task<(EnvServerHost Host, Grpc.Net.Client.GrpcChannel Channel, OpenReply Open)> OpenAsync(int numEnvs)
    {
        var host = await TestServers.StartAsync(new ServerOptions { StepSocket = true });
        var (channel, client) = TestServers.Connect(host.Endpoint);
        var request = new OpenRequest { EnvId = "Fault", NumEnvs = (uint)numEnvs };
        foreach (var (k, v) in Fault) request.Options[k] = v;
        request.Seeds.AddRange(Enumerable.Range(1, numEnvs).Select(i => (long)i));
        var open = await client.OpenAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        return (host, channel, open);
    }

    private static StepChannel Connect(OpenReply open, byte[]? key = null, ulong? batch = null) =>
        StepChannel.Connect(open.StepSocket, batch ?? open.BatchId, key ?? open.StepKey.ToByteArray(), 2, 4, 2, 0, TimeSpan.FromSeconds(5));

    [Test]
    public async Task OnlyTheKeyFromTheBatchesOpenAdmitsAConnection()
    {
        var (host, channel, open) = await OpenAsync(2);
        await using var _ = host;
        using var __ = channel;
        Assert.That(open.StepSocket, Does.StartWith("@rl-env-step-"), "an abstract socket: nothing left on disk by a killed server");
        Assert.That(open.StepKey.Length, Is.EqualTo(StepFrames.KeyBytes));

        var wrong = open.StepKey.ToByteArray();
        wrong[0] ^= 1;
        var e = Assert.Throws<RpcException>(() => Connect(open, wrong));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        e = Assert.Throws<RpcException>(() => Connect(open, batch: open.BatchId + 1000));
        Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(e.Status.Detail, Does.Contain("batch_id"));

        using var ok = Connect(open);
        ok.Send(1, new float[4]);
        var frame = ok.Receive();
        int at = 4;
        Assert.That(StepFrames.Get<ulong>(frame, ref at), Is.EqualTo(1UL), "the reply echoes seq");
    }

    [Test]
    public async Task ABadRequestEndsTheChannelWithItsStatusAndLeavesTheBatchUnchanged()
    {
        var (host, channel, open) = await OpenAsync(2);
        await using var _ = host;
        using var __ = channel;

        // Reference: what the first step returns.
        float[] first;
        using (var c = Connect(open))
        {
            c.Send(1, new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
            first = Observations(c.Receive());
        }
        // A non-finite action: INVALID_ARGUMENT naming the element, and no env moved.
        using (var c = Connect(open))
        {
            c.Send(2, new[] { 0.1f, float.NaN, 0.3f, 0.4f });
            var e = Assert.Throws<RpcException>(() => c.Receive());
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(e.Status.Detail, Does.Contain("[1] is NaN"));
            Assert.Throws<IOException>(() => c.Receive(), "the server ended the channel");
        }
        // A request of the wrong size: INVALID_ARGUMENT before anything is read as actions.
        using (var raw = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            raw.Connect(StepFrames.EndPoint(open.StepSocket));
            var hello = new byte[StepFrames.HelloBytes];
            int at = 0;
            StepFrames.Put<uint>(hello, ref at, StepFrames.Magic);
            StepFrames.Put(hello, ref at, open.BatchId);
            open.StepKey.Span.CopyTo(hello.AsSpan(at));
            StepFrames.WriteAll(raw, hello);
            var ack = new byte[StepFrames.AckBytes];
            Assert.That(StepFrames.ReadExactly(raw, ack), Is.True);
            StepFrames.WriteAll(raw, new byte[] { 3, 0, 0, 0, 1, 2, 3 });
            var header = new byte[4];
            Assert.That(StepFrames.ReadExactly(raw, header), Is.True);
            var payload = new byte[BitConverter.ToUInt32(header)];
            Assert.That(StepFrames.ReadExactly(raw, payload), Is.True);
            var (status, detail) = StepFrames.ReadError(payload);
            Assert.That((StatusCode)status, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(detail, Does.Contain("a step request of 3 bytes"));
        }
        // The same actions again give the second step of an unchanged batch: the same as a fresh batch's second step.
        using (var c = Connect(open))
        {
            c.Send(3, new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
            var second = Observations(c.Receive());
            var (host2, channel2, open2) = await OpenAsync(2);
            await using var ___ = host2;
            using var ____ = channel2;
            using var reference = Connect(open2);
            reference.Send(1, new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
            Assert.That(Observations(reference.Receive()), Is.EqualTo(first), "same seeds, same first step");
            reference.Send(2, new float[] { 0.1f, 0.2f, 0.3f, 0.4f });
            Assert.That(second, Is.EqualTo(Observations(reference.Receive())), "the rejected requests moved no env");
        }
    }

    [Test]
    public async Task APoolStepsRemoteEndpointsThroughTheStreamEvenWhenTheServerOffersASocket()
    {
        await using var host = await TestServers.StartAsync(new ServerOptions { StepSocket = true });
        using var pool = await EnvWorkerPool.StartAsync(TestServers.RemoteOptions("Fault", new[] { host.Endpoint }, 2, Fault));
        var group = pool.Groups[0];
        group.Reset(new long[] { 1, 2 }, new float[8]);
        group.Step(new float[4], new VectorStepResult(2, 4));
        Assert.That(group.Transport, Is.EqualTo("grpc"), "an endpoint's address says nothing about sharing this machine");
    }

    [Test]
    public void AGrpcPoolOfLocalServersStepsThroughTheStream()
    {
        using var pool = EnvWorkerPool.Start(TestServers.LocalOptions("Fault", 1, 2, Fault, LocalTransport.Grpc));
        var group = pool.Groups[0];
        group.Reset(new long[] { 1, 2 }, new float[8]);
        group.Step(new float[4], new VectorStepResult(2, 4));
        Assert.That(group.Transport, Is.EqualTo("grpc"));
    }

    private static float[] Observations(ReadOnlySpan<byte> reply)
    {
        int at = StepFrames.ReplyHeaderBytes - 4;
        var obs = new float[2 * 4];
        StepFrames.GetArray<float>(reply, ref at, obs);
        return obs;
    }
}
