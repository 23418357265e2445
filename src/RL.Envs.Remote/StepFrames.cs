using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace RL.Envs.Remote;

/// <summary>
/// The wire format of the local step channel (issue 16): the Step call of env.proto, for a client and a server on the
/// same machine, as fixed-layout frames on a Unix socket instead of protobuf messages on an HTTP/2 stream. Every other
/// call (Describe, Open, Reset, Close, health) stays gRPC, and so do the contract's meanings: SAME_STEP autoreset,
/// endings with final observations, seeds, statuses. Why: on a 2-core machine each gRPC step request cost ~200 µs of
/// server CPU and ~200 µs of client CPU besides the stepping (HTTP/2 framing, protobuf, three thread hops per side),
/// which capped served stepping at 59-73 % of in-process; a blocking Unix-socket round trip costs ~25 µs per side.
/// Both ends are on one machine, so numbers travel in its native byte order.
/// <code>
/// hello   (client): u32 magic "RLS1" | u64 batch_id | 16-byte key (from OpenReply.step_key)
/// ack     (server): u32 length | u8 status, 3 pad | OK: u32 num_envs, u32 observation_size, u32 action_size | else UTF-8 detail
/// request (client): u32 length | u64 seq | f32[num_envs × action_size] actions
/// reply   (server): u32 length | u8 status, 3 pad | OK: u64 seq, f64 step_seconds, u32 clipped_actions, u32 endings,
///                   f32[n × obs] observations, f32[n] rewards, f64[n] score_rewards, u8[n] terminated, u8[n] truncated,
///                   then per ending: u32 env_index, u8 reason, u8 dropped, u8 has_seed, u8 has_next_seed, u32 length,
///                   f64 score, f64 return, i64 seed, i64 next_seed, f64[reward terms] terms, f32[obs] final_observation
///                   | else UTF-8 detail (after the padding), and the server closes the channel
/// </code>
/// A nonzero status is a gRPC status code with the same meaning as on the Step stream.
/// </summary>
public static class StepFrames
{
    /// <summary>"RLS1" read as a u32 on a little-endian machine.</summary>
    public const uint Magic = 0x31534C52;

    public const int KeyBytes = 16;
    public const int HelloBytes = 4 + 8 + KeyBytes;
    public const int AckBytes = 4 + 4 + 12;

    /// <summary>Length, status and padding, seq, step seconds, clipped actions, ending count.</summary>
    public const int ReplyHeaderBytes = 4 + 4 + 8 + 8 + 4 + 4;

    /// <summary>Bytes of a whole request frame, length prefix included.</summary>
    public static int RequestBytes(int numEnvs, int actionSize) => 4 + 8 + numEnvs * actionSize * 4;

    public static int EndingBytes(int observationSize, int rewardTerms) => 4 + 4 + 4 + 8 * 4 + rewardTerms * 8 + observationSize * 4;

    /// <summary>Bytes of an OK reply frame with <paramref name="endings"/> endings, length prefix included.</summary>
    public static int ReplyBytes(int numEnvs, int observationSize, int rewardTerms, int endings) =>
        ReplyHeaderBytes + numEnvs * (observationSize * 4 + 4 + 8 + 1 + 1) + endings * EndingBytes(observationSize, rewardTerms);

    /// <summary>Bytes of the largest reply frame (every env ends in the step), length prefix included.</summary>
    public static int MaxReplyBytes(int numEnvs, int observationSize, int rewardTerms) => ReplyBytes(numEnvs, observationSize, rewardTerms, numEnvs);

    /// <summary>An error frame (reply or ack): status and detail; the channel ends after it.</summary>
    public static int WriteError(Span<byte> frame, int status, string detail)
    {
        int max = Math.Min(frame.Length - 8, 4096);
        var bytes = Encoding.UTF8.GetBytes(detail);
        int n = Math.Min(bytes.Length, max);
        frame[4] = (byte)status;
        frame[5] = frame[6] = frame[7] = 0;
        bytes.AsSpan(0, n).CopyTo(frame[8..]);
        MemoryMarshal.Write(frame, (uint)(4 + n));
        return 8 + n;
    }

    /// <summary>The status and detail of an error payload (after the length prefix).</summary>
    public static (int Status, string Detail) ReadError(ReadOnlySpan<byte> payload) =>
        (payload[0], payload.Length > 4 ? Encoding.UTF8.GetString(payload[4..]) : "");

    public static void Put<T>(Span<byte> frame, ref int at, T value) where T : unmanaged
    {
        MemoryMarshal.Write(frame[at..], in value);
        at += Unsafe.SizeOf<T>();
    }

    public static void PutArray<T>(Span<byte> frame, ref int at, ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        bytes.CopyTo(frame[at..]);
        at += bytes.Length;
    }

    public static T Get<T>(ReadOnlySpan<byte> frame, ref int at) where T : unmanaged
    {
        var value = MemoryMarshal.Read<T>(frame[at..]);
        at += Unsafe.SizeOf<T>();
        return value;
    }

    public static void GetArray<T>(ReadOnlySpan<byte> frame, ref int at, Span<T> into) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(into);
        frame.Slice(at, bytes.Length).CopyTo(bytes);
        at += bytes.Length;
    }

    /// <summary>Reads exactly <paramref name="into"/>.Length bytes; false when the peer closed the socket before the first byte.</summary>
    public static bool ReadExactly(System.Net.Sockets.Socket socket, Span<byte> into)
    {
        int got = 0;
        while (got < into.Length)
        {
            int n = socket.Receive(into[got..], System.Net.Sockets.SocketFlags.None);
            if (n == 0)
            {
                if (got == 0) return false;
                throw new IOException($"the step channel closed in the middle of a frame ({got} of {into.Length} bytes)");
            }
            got += n;
        }
        return true;
    }

    /// <summary>
    /// Reads one length-prefixed frame into <paramref name="buffer"/> and returns its whole size (prefix included), or 0
    /// when the peer closed the socket before the frame began; a frame larger than <paramref name="buffer"/> throws.
    /// A frame usually arrives in one read: both ends send one frame and then wait for the other's, so nothing beyond
    /// the frame can be in the socket, and one system call fetches prefix and body together.
    /// </summary>
    public static int ReadFrame(System.Net.Sockets.Socket socket, byte[] buffer)
    {
        int got = 0;
        while (got < 4)
        {
            int n = socket.Receive(buffer.AsSpan(got), System.Net.Sockets.SocketFlags.None);
            if (n == 0)
            {
                if (got == 0) return 0;
                throw new IOException($"the step channel closed in the middle of a frame ({got} bytes)");
            }
            got += n;
        }
        long total = 4L + BitConverter.ToUInt32(buffer, 0);
        if (total > buffer.Length) throw new InvalidDataException($"a step channel frame of {total - 4} bytes (at most {buffer.Length - 4} fit)");
        if (got > total) throw new InvalidDataException($"{got - total} bytes beyond a {total - 4}-byte step channel frame (the peer sent two frames at once)");
        if (got < total && !ReadExactly(socket, buffer.AsSpan(got, (int)total - got)))
            throw new IOException($"the step channel closed in the middle of a frame ({got} of {total} bytes)");
        return (int)total;
    }

    /// <summary>Writes all of <paramref name="frame"/>.</summary>
    public static void WriteAll(System.Net.Sockets.Socket socket, ReadOnlySpan<byte> frame)
    {
        while (frame.Length > 0) frame = frame[socket.Send(frame, System.Net.Sockets.SocketFlags.None)..];
    }

    /// <summary>The endpoint of a step socket address: "@name" is Linux's abstract namespace (no file to leave behind).</summary>
    public static System.Net.Sockets.UnixDomainSocketEndPoint EndPoint(string address) =>
        new(address.StartsWith('@') ? "\0" + address[1..] : address);
}
