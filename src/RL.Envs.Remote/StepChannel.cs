using System.Net.Sockets;
using Grpc.Core;

namespace RL.Envs.Remote;

/// <summary>
/// The client end of one batch's local step channel (<see cref="StepFrames"/>): a blocking Unix socket whose reads
/// wake the stepping thread itself, with no allocation per step. A request is sent by <see cref="Send"/> and its reply
/// read by <see cref="Receive"/>, so a caller can send to several batches before reading any reply (their servers then
/// step at once). An error frame from the server becomes the <see cref="RpcException"/> the Step stream would have
/// ended with, so callers classify both transports' failures alike; a dead server is an <see cref="IOException"/> or
/// <see cref="SocketException"/>, a missed deadline a <see cref="TimeoutException"/>.
/// </summary>
internal sealed class StepChannel : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _reply;
    private int _timeoutMs = -1;

    private StepChannel(Socket socket, int numEnvs, int observationSize, int actionSize, int rewardTerms)
    {
        _socket = socket;
        _request = new byte[StepFrames.RequestBytes(numEnvs, actionSize)];
        _reply = new byte[Math.Max(4096 + 8, StepFrames.MaxReplyBytes(numEnvs, observationSize, rewardTerms))];
    }

    /// <summary>Connects to <paramref name="address"/> and binds the channel to batch <paramref name="batchId"/> with its key.</summary>
    public static StepChannel Connect(string address, ulong batchId, ReadOnlySpan<byte> key, int numEnvs, int observationSize, int actionSize, int rewardTerms, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(StepFrames.EndPoint(address));
            var channel = new StepChannel(socket, numEnvs, observationSize, actionSize, rewardTerms);
            channel.SetTimeout(timeout);
            Span<byte> hello = stackalloc byte[StepFrames.HelloBytes];
            int at = 0;
            StepFrames.Put(hello, ref at, StepFrames.Magic);
            StepFrames.Put(hello, ref at, batchId);
            key.CopyTo(hello[at..]);
            StepFrames.WriteAll(socket, hello);
            var ack = channel.ReadFrame();
            at = 8;
            uint n = StepFrames.Get<uint>(ack, ref at), obs = StepFrames.Get<uint>(ack, ref at), act = StepFrames.Get<uint>(ack, ref at);
            if (n != numEnvs || obs != observationSize || act != actionSize)
                throw new InvalidDataException($"the step channel serves {n} envs × {obs} observations × {act} actions, the batch opened {numEnvs} × {observationSize} × {actionSize}");
            return channel;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>How long a reply may take (SO_RCVTIMEO: set only when it changes, so no system call per step).</summary>
    public void SetTimeout(TimeSpan timeout)
    {
        int ms = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
        if (ms == _timeoutMs) return;
        _socket.ReceiveTimeout = ms;
        _socket.SendTimeout = ms;
        _timeoutMs = ms;
    }

    /// <summary>Sends one step request.</summary>
    public void Send(ulong seq, ReadOnlySpan<float> actions)
    {
        int at = 0;
        StepFrames.Put(_request, ref at, (uint)(_request.Length - 4));
        StepFrames.Put(_request, ref at, seq);
        StepFrames.PutArray(_request, ref at, actions);
        try { StepFrames.WriteAll(_socket, _request); }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock) { throw new TimeoutException("sending the step request timed out", e); }
    }

    /// <summary>The next reply frame's payload (after the length prefix, starting with the OK status); valid until the next call.</summary>
    public ReadOnlySpan<byte> Receive() => ReadFrame()[4..];

    private ReadOnlySpan<byte> ReadFrame()
    {
        try
        {
            int total = StepFrames.ReadFrame(_socket, _reply);
            if (total == 0) throw new IOException("the server closed the step channel");
            if (total < 8) throw new InvalidDataException($"a step channel frame of {total - 4} bytes (at least 4)");
            if (_reply[4] != 0)
            {
                var (status, detail) = StepFrames.ReadError(_reply.AsSpan(4, total - 4));
                throw new RpcException(new Status((StatusCode)status, detail));
            }
            return _reply.AsSpan(0, total);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw new TimeoutException("no step reply before the deadline", e);
        }
    }

    public void Dispose()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
    }
}
