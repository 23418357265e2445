using System.Net.Sockets;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RL.Envs.Remote;
using RL.Envs.Vector;

namespace RL.Envs.Server;

/// <summary>
/// The local step channel's server side (<c>--step-socket</c>; wire format and why in <see cref="StepFrames"/>): a
/// Unix socket in Linux's abstract namespace, one blocking thread per connection, each connection bound to one batch
/// by the key its Open handed out. A thread blocked in a socket read is woken by the kernel directly, so a request
/// costs one wake-up on each side instead of the thread-pool hops of the HTTP/2 stack. The batch rules are the Step
/// stream's: one call at a time (<see cref="EnvBatch.Enter"/>), every request validated before any env moves, a
/// rejected request ends the channel with its status and leaves the batch unchanged, a closed channel leaves the
/// batch open for a new one.
/// </summary>
internal sealed class StepSocketServer : IDisposable
{
    private readonly BatchStore _store;
    private readonly ILogger _log;
    private readonly HashSet<Socket> _connections = new();
    private Socket? _listener;
    private bool _disposed;

    public StepSocketServer(BatchStore store, ILogger<StepSocketServer> log)
    {
        _store = store;
        _log = log;
    }

    /// <summary>The address clients connect to ("@name", abstract namespace), or null when not listening.</summary>
    public string? Address { get; private set; }

    /// <summary>Listens (Linux only: elsewhere clients keep the Step stream).</summary>
    public void Start()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Random, so a restarted server never answers at an old address; abstract, so a SIGKILLed server leaves no file.
        string address = $"@rl-env-step-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(StepFrames.EndPoint(address));
        listener.Listen(64);
        _listener = listener;
        Address = address;
        new Thread(AcceptLoop) { IsBackground = true, Name = "step channel accept" }.Start();
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket connection;
            try { connection = _listener!.Accept(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            lock (_connections)
            {
                if (_disposed)
                {
                    connection.Dispose();
                    return;
                }
                _connections.Add(connection);
            }
            new Thread(() => Serve(connection)) { IsBackground = true, Name = "step channel" }.Start();
        }
    }

    private void Serve(Socket socket)
    {
        EnvBatch? batch = null;
        try
        {
            // A connection that never says hello must not hold a thread for long.
            socket.ReceiveTimeout = 5000;
            batch = Hello(socket);
            if (batch is null) return;
            socket.ReceiveTimeout = 0;
            Loop(socket, batch);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The client went away (lost, moved on, deadline): routine, as for a broken Step stream.
            _log.LogDebug("step channel of batch {Batch} ended: {Message}", batch?.Id, e.Message);
        }
        finally
        {
            lock (_connections) _connections.Remove(socket);
            socket.Dispose();
        }
    }

    private EnvBatch? Hello(Socket socket)
    {
        Span<byte> hello = stackalloc byte[StepFrames.HelloBytes];
        if (!StepFrames.ReadExactly(socket, hello)) return null;
        int at = 0;
        uint magic = StepFrames.Get<uint>(hello, ref at);
        ulong id = StepFrames.Get<ulong>(hello, ref at);
        var key = hello.Slice(at, StepFrames.KeyBytes);
        var frame = new byte[4096];
        if (magic != StepFrames.Magic)
        {
            StepFrames.WriteAll(socket, frame.AsSpan(0, StepFrames.WriteError(frame, (int)StatusCode.InvalidArgument, "not a step channel hello (wrong magic)")));
            return null;
        }
        EnvBatch batch;
        try
        {
            batch = _store.Get(id, "step channel hello batch_id");
        }
        catch (RpcException e)
        {
            StepFrames.WriteAll(socket, frame.AsSpan(0, StepFrames.WriteError(frame, (int)e.StatusCode, e.Status.Detail)));
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(key, batch.StepKey))
        {
            StepFrames.WriteAll(socket, frame.AsSpan(0, StepFrames.WriteError(frame, (int)StatusCode.Unauthenticated, $"the step channel key does not match batch {id}'s")));
            return null;
        }
        Span<byte> ack = stackalloc byte[StepFrames.AckBytes];
        at = 0;
        StepFrames.Put(ack, ref at, (uint)(StepFrames.AckBytes - 4));
        StepFrames.Put(ack, ref at, 0u); // status OK and padding
        StepFrames.Put(ack, ref at, (uint)batch.NumEnvs);
        StepFrames.Put(ack, ref at, (uint)batch.Spec.ObservationSize);
        StepFrames.Put(ack, ref at, (uint)batch.Spec.ActionSize);
        StepFrames.WriteAll(socket, ack);
        return batch;
    }

    private void Loop(Socket socket, EnvBatch batch)
    {
        int n = batch.NumEnvs, obs = batch.Spec.ObservationSize, act = batch.Spec.ActionSize, terms = batch.Spec.RewardTermNames.Length;
        int expected = StepFrames.RequestBytes(n, act);
        // Room for any request a client could send within the server's message limit, so a wrong size is answered, not cut.
        var request = new byte[Math.Max(expected, 1 << 16)];
        var reply = new byte[Math.Max(4096, StepFrames.MaxReplyBytes(n, obs, terms))];
        while (true)
        {
            int total;
            try
            {
                total = StepFrames.ReadFrame(socket, request);
            }
            catch (InvalidDataException e)
            {
                StepFrames.WriteAll(socket, reply.AsSpan(0, StepFrames.WriteError(reply, (int)StatusCode.InvalidArgument, $"batch {batch.Id}: {e.Message}")));
                return;
            }
            if (total == 0) return;
            if (total != expected)
            {
                int e = StepFrames.WriteError(reply, (int)StatusCode.InvalidArgument,
                    $"a step request of {total - 4} bytes for batch {batch.Id}; {n} envs × {act} actions take {expected - 4} (seq and actions)");
                StepFrames.WriteAll(socket, reply.AsSpan(0, e));
                return;
            }
            int at = 4;
            ulong seq = StepFrames.Get<ulong>(request, ref at);
            var actions = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(request.AsSpan(at, expected - at));
            int size;
            try
            {
                using (batch.Enter("Step")) size = WriteReply(reply, seq, batch.Step(actions), batch);
            }
            catch (RpcException e)
            {
                StepFrames.WriteAll(socket, reply.AsSpan(0, StepFrames.WriteError(reply, (int)e.StatusCode, e.Status.Detail)));
                return;
            }
            StepFrames.WriteAll(socket, reply.AsSpan(0, size));
        }
    }

    /// <summary>Writes the reply frame of the step just taken (under its lease: the batch's result is valid until then).</summary>
    private static int WriteReply(Span<byte> frame, ulong seq, double seconds, EnvBatch batch)
    {
        VectorStepResult r = batch.Result;
        int n = r.NumEnvs, obs = r.ObservationSize;
        int at = 4;
        StepFrames.Put(frame, ref at, 0u); // status OK and padding
        StepFrames.Put(frame, ref at, seq);
        StepFrames.Put(frame, ref at, seconds);
        StepFrames.Put(frame, ref at, (uint)r.ClippedActions);
        StepFrames.Put(frame, ref at, (uint)r.Episodes.Count);
        StepFrames.PutArray<float>(frame, ref at, r.Observations.AsSpan(0, n * obs));
        StepFrames.PutArray<float>(frame, ref at, r.Rewards.AsSpan(0, n));
        StepFrames.PutArray<double>(frame, ref at, r.ScoreRewards.AsSpan(0, n));
        for (int i = 0; i < n; i++) frame[at++] = r.Terminated[i] ? (byte)1 : (byte)0;
        for (int i = 0; i < n; i++) frame[at++] = r.Truncated[i] ? (byte)1 : (byte)0;
        foreach (var episode in r.Episodes)
        {
            int i = episode.EnvIndex;
            long? next = batch.EpisodeSeed(i);
            StepFrames.Put(frame, ref at, (uint)i);
            StepFrames.Put(frame, ref at, (byte)r.Reasons[i]);
            StepFrames.Put(frame, ref at, r.Dropped[i] ? (byte)1 : (byte)0);
            StepFrames.Put(frame, ref at, episode.Seed.HasValue ? (byte)1 : (byte)0);
            StepFrames.Put(frame, ref at, next.HasValue ? (byte)1 : (byte)0);
            StepFrames.Put(frame, ref at, (uint)episode.Length);
            StepFrames.Put(frame, ref at, episode.Score);
            StepFrames.Put(frame, ref at, episode.Return);
            StepFrames.Put(frame, ref at, episode.Seed ?? 0L);
            StepFrames.Put(frame, ref at, next ?? 0L);
            StepFrames.PutArray<double>(frame, ref at, episode.Terms);
            StepFrames.PutArray<float>(frame, ref at, r.FinalObservation(i));
        }
        System.Runtime.InteropServices.MemoryMarshal.Write(frame, (uint)(at - 4));
        return at;
    }

    public void Dispose()
    {
        Socket[] open;
        lock (_connections)
        {
            if (_disposed) return;
            _disposed = true;
            open = _connections.ToArray();
        }
        _listener?.Dispose();
        // Clients see the channel end and treat it as a lost stream; the batches themselves are closed by the store.
        foreach (var s in open)
        {
            try { s.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        }
    }
}
