using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RL.Envs.Random;
using RL.Envs.Remote.Protocol;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// R10: no malformed request stops the server. A real server process gets ≥ 10,000 random and mutated messages on
/// every method (raw bytes, so the fuzzer can send what no generated client would); every call must end with a
/// status, the process must stay up, and a well-formed client must still be served afterwards.
/// </summary>
public class FuzzTests
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);
    private static readonly string[] Unary = { "Describe", "Open", "Reset", "Close" };
    private static readonly Method<byte[], byte[]> StepMethod = new(MethodType.DuplexStreaming, "rl.env.v1.EnvService", "Step", Raw, Raw);
    private static readonly StatusCode[] Allowed =
    {
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.ResourceExhausted,
        StatusCode.FailedPrecondition, StatusCode.Internal, StatusCode.Unimplemented,
    };

    private static Method<byte[], byte[]> UnaryMethod(string name) => new(MethodType.Unary, "rl.env.v1.EnvService", name, Raw, Raw);

    [Test]
    public async Task TenThousandRandomAndMutatedMessagesCrashNothing()
    {
        // A small env limit keeps the fuzzer's huge Open requests cheap (RESOURCE_EXHAUSTED instead of building
        // thousands of Learning-to-Run models).
        var command = TestServers.Command with { Arguments = TestServers.Command.Arguments.Concat(new[] { "--max-envs", "64" }).ToArray() };
        using var server = await LocalServerProcess.StartAsync(command, -1, 1, "fuzz-token", "fuzz server", false, TimeSpan.FromSeconds(30), CancellationToken.None);
        GrpcChannel Connect() => GrpcChannel.ForAddress(server.Endpoint!.Address, new GrpcChannelOptions { MaxSendMessageSize = null, MaxReceiveMessageSize = null });
        var channel = Connect();
        var invoker = channel.CreateCallInvoker();
        int streamErrors = 0, calmDowns = 0;
        var headers = new Metadata { { "authorization", "Bearer fuzz-token" } };
        var rng = new Xoshiro256(20170101);
        var batches = new List<ulong>();
        var statuses = new Dictionary<StatusCode, int>();
        int sent = 0;
        string lastMethod = "", lastDetail = "";
        AsyncDuplexStreamingCall<byte[], byte[]>? stream = null;

        void Count(StatusCode code)
        {
            statuses[code] = statuses.GetValueOrDefault(code) + 1;
            if (!Allowed.Contains(code)) Assert.Fail($"message {sent} ({lastMethod}): status {code}: {lastDetail}");
        }

        while (sent < 10_000)
        {
            bool step = rng.NextDouble() < 0.5;
            byte[] payload = rng.NextDouble() < 0.3 ? RandomBytes(rng) : Mutate(rng, step ? ValidStep(rng, batches) : ValidUnary(rng, batches, out _), 0.5);
            sent++;
            if (step)
            {
                stream ??= invoker.AsyncDuplexStreamingCall(StepMethod, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(60)));
                try
                {
                    await stream.RequestStream.WriteAsync(payload);
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    Assert.That(await stream.ResponseStream.MoveNext(cts.Token), Is.True, $"message {sent}: the stream ended without a status");
                    Count(StatusCode.OK);
                }
                catch (RpcException e)
                {
                    // A rejected step ends its stream with the status (the request writer may see the reset first).
                    var status = e.StatusCode == StatusCode.Cancelled ? stream.GetStatus().StatusCode : e.StatusCode;
                    (lastMethod, lastDetail) = ("Step", e.Status.Detail);
                    Count(status);
                    await EndAsync(stream);
                    stream = null;
                }
                catch (InvalidOperationException)
                {
                    // Writing after the server ended the stream: the status is already there.
                    Count(stream.GetStatus().StatusCode);
                    await EndAsync(stream);
                    stream = null;
                }
                catch (System.Net.Http.HttpProtocolException e) when (e.ErrorCode == 0xb)
                {
                    // ENHANCE_YOUR_CALM: Kestrel's rapid-reset guard (CVE-2023-44487) refusing a connection that had
                    // many streams end early. The server is defending itself, not failing; start a new connection.
                    calmDowns++;
                    stream = null;
                    streamErrors = 50;
                }
                if (stream is null && ++streamErrors >= 50)
                {
                    channel.Dispose();
                    channel = Connect();
                    invoker = channel.CreateCallInvoker();
                    streamErrors = 0;
                }
            }
            else
            {
                string method = Unary[rng.NextInt(Unary.Length)];
                if (rng.NextDouble() >= 0.3) payload = Mutate(rng, ValidUnary(rng, batches, out method), 0.5);
                try
                {
                    var reply = await invoker.AsyncUnaryCall(UnaryMethod(method), null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(10)), payload);
                    Count(StatusCode.OK);
                    if (method == "Open")
                    {
                        batches.Add(OpenReply.Parser.ParseFrom(reply).BatchId);
                        if (batches.Count > 20)
                        {
                            await invoker.AsyncUnaryCall(UnaryMethod("Close"), null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(10)), new CloseRequest { BatchId = batches[0] }.ToByteArray());
                            batches.RemoveAt(0);
                        }
                    }
                }
                catch (RpcException e)
                {
                    (lastMethod, lastDetail) = (method, e.Status.Detail);
                    Count(e.StatusCode);
                }
            }
            if (sent % 1000 == 0) Assert.That(server.HasExited, Is.False, $"the server died after {sent} messages: {server.Report()}");
        }
        stream?.Dispose();

        TestContext.Out.WriteLine($"{sent} messages: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}; ENHANCE_YOUR_CALM {calmDowns}");
        Assert.That(server.HasExited, Is.False, "zero server crashes");
        Assert.That(statuses.GetValueOrDefault(StatusCode.OK), Is.GreaterThan(500), "the fuzzer reaches the step path, not only the parser");
        Assert.That(statuses.GetValueOrDefault(StatusCode.InvalidArgument), Is.GreaterThan(500));

        // A well-formed client is still served (after the fuzzer's batches are closed, to make room).
        channel.Dispose();
        using var fresh = Connect();
        var client = new EnvService.EnvServiceClient(fresh);
        foreach (ulong batch in batches) await client.CloseAsync(new CloseRequest { BatchId = batch }, headers, DateTime.UtcNow.AddSeconds(10));
        var open = await client.OpenAsync(new OpenRequest { EnvId = "Pendulum", NumEnvs = 2 }, headers, DateTime.UtcNow.AddSeconds(10));
        using var call = client.Step(headers, DateTime.UtcNow.AddSeconds(10));
        var request = new StepRequest { BatchId = open.BatchId, Seq = 1 };
        request.Actions.AddRange(new float[2]);
        await call.RequestStream.WriteAsync(request);
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);
        Assert.That(call.ResponseStream.Current.Observations, Has.Count.EqualTo(6));
    }

    // Half-close before disposing: disposing an open call resets its HTTP/2 stream, and thousands of client resets
    // look like the "rapid reset" attack, which Kestrel answers with ENHANCE_YOUR_CALM.
    private static async Task EndAsync(AsyncDuplexStreamingCall<byte[], byte[]> stream)
    {
        try { await stream.RequestStream.CompleteAsync(); }
        catch (Exception) { }
        stream.Dispose();
    }

    private static byte[] RandomBytes(Xoshiro256 rng)
    {
        var bytes = new byte[rng.NextInt(rng.NextDouble() < 0.9 ? 64 : 4096)];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextInt(256);
        return bytes;
    }

    /// <summary>Flips, truncates, duplicates or appends bytes of a valid message with probability <paramref name="p"/>.</summary>
    private static byte[] Mutate(Xoshiro256 rng, byte[] valid, double p)
    {
        if (rng.NextDouble() >= p || valid.Length == 0) return valid;
        var bytes = valid.ToList();
        int edits = 1 + rng.NextInt(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            switch (rng.NextInt(4))
            {
                case 0: bytes[rng.NextInt(bytes.Count)] ^= (byte)(1 << rng.NextInt(8)); break;
                case 1: bytes.RemoveRange(rng.NextInt(bytes.Count), 1 + rng.NextInt(Math.Min(8, bytes.Count)) - 1 + 1 > bytes.Count ? 1 : 1); break;
                case 2: bytes.InsertRange(rng.NextInt(bytes.Count), bytes.Take(Math.Min(16, bytes.Count)).ToArray()); break;
                default: bytes.Add((byte)rng.NextInt(256)); break;
            }
        }
        return bytes.ToArray();
    }

    private static readonly string[] Envs = { "Pendulum", "Fault", "L2R", "", "pendulum", "Fault\0", "🙂" };
    private static readonly string[] Keys = { "obs_size", "action_size", "max_steps", "frame_skip", "terminate_prob", "difficulty", "physics", "x", "" };
    private static readonly string[] Values = { "0", "1", "3", "-1", "4096", "1e9", "NaN", "true", "faithful", "", "99999999999999999999" };

    private static float RandomFloat(Xoshiro256 rng) => rng.NextInt(10) switch
    {
        0 => float.NaN,
        1 => float.PositiveInfinity,
        2 => float.MaxValue,
        3 => -1e30f,
        _ => (float)rng.Uniform(-3, 3),
    };

    private static ulong RandomBatch(Xoshiro256 rng, List<ulong> batches) =>
        batches.Count > 0 && rng.NextDouble() < 0.8 ? batches[rng.NextInt(batches.Count)] : rng.NextUInt64();

    private static byte[] ValidStep(Xoshiro256 rng, List<ulong> batches)
    {
        var request = new StepRequest { BatchId = RandomBatch(rng, batches), Seq = rng.NextUInt64() };
        // Pendulum batches of 1-8 envs need 1-8 actions, Fault ones 18 per env: hit both often.
        int count = rng.NextInt(3) switch { 0 => rng.NextInt(9), 1 => 18 * (1 + rng.NextInt(4)), _ => rng.NextInt(200) };
        for (int i = 0; i < count; i++) request.Actions.Add(rng.NextDouble() < 0.9 ? (float)rng.Uniform(-2, 2) : RandomFloat(rng));
        return request.ToByteArray();
    }

    private static byte[] ValidUnary(Xoshiro256 rng, List<ulong> batches, out string method)
    {
        method = Unary[rng.NextInt(Unary.Length)];
        switch (method)
        {
            case "Describe":
            {
                var r = new DescribeRequest { EnvId = Envs[rng.NextInt(Envs.Length)] };
                AddOptions(rng, r.Options);
                return r.ToByteArray();
            }
            case "Open":
            {
                var r = new OpenRequest { EnvId = Envs[rng.NextInt(3)], NumEnvs = (uint)(rng.NextDouble() < 0.9 ? 1 + rng.NextInt(8) : rng.NextInt(5000)) };
#pragma warning disable CS0612 // old clients may still send the deprecated field
                r.FrameSkip = (uint)rng.NextInt(4);
#pragma warning restore CS0612
                AddOptions(rng, r.Options);
                if (rng.NextDouble() < 0.5) for (int i = 0; i < r.NumEnvs && i < 64; i++) r.Seeds.Add((long)rng.NextUInt64());
                return r.ToByteArray();
            }
            case "Reset":
            {
                var r = new ResetRequest { BatchId = RandomBatch(rng, batches) };
                int seeds = rng.NextInt(10);
                for (int i = 0; i < seeds; i++) r.Seeds.Add((long)rng.NextUInt64());
                return r.ToByteArray();
            }
            default:
                return new CloseRequest { BatchId = rng.NextDouble() < 0.2 ? RandomBatch(rng, batches) : rng.NextUInt64() }.ToByteArray();
        }
    }

    private static void AddOptions(Xoshiro256 rng, Google.Protobuf.Collections.MapField<string, string> options)
    {
        if (rng.NextDouble() < 0.6) return;
        int n = 1 + rng.NextInt(3);
        for (int i = 0; i < n; i++) options[Keys[rng.NextInt(Keys.Length)]] = Values[rng.NextInt(Values.Length)];
    }
}
