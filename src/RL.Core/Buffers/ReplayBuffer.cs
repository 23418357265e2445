using RL.Envs;
using RL.Envs.Random;

namespace RL.Core.Buffers;

/// <summary>
/// The DDPG replay memory: a ring of (s, a, r, terminal, s') transitions in float32, stored in fixed-size
/// chunks that are allocated as the buffer fills, so a 5-million-transition capacity costs memory only for
/// what is held (Learning to Run: 41 + 18 + 1 + 41 floats and one flag byte = 405 bytes per transition,
/// 2.0 GB when full). <c>terminal</c> is set only for a true terminal state (a fall); time-limit truncations
/// are stored with terminal = 0 and their final observation as s', so they bootstrap (recipes §5.6).
/// Adding and sampling are thread-safe (samplers add while the learner samples).
/// </summary>
public sealed class ReplayBuffer
{
    /// <summary>Transitions per chunk (2^16): chunk sizes stay far below the 2 GB array limit for any observation size.</summary>
    public const int ChunkShift = 16;
    public const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly object _gate = new();
    private readonly List<Chunk> _chunks = new();
    private long _position;
    private long _count;

    private sealed class Chunk
    {
        public Chunk(int obs, int act)
        {
            Observations = GC.AllocateUninitializedArray<float>(ChunkSize * obs);
            NextObservations = GC.AllocateUninitializedArray<float>(ChunkSize * obs);
            Actions = GC.AllocateUninitializedArray<float>(ChunkSize * act);
            Rewards = GC.AllocateUninitializedArray<float>(ChunkSize);
            Terminals = GC.AllocateUninitializedArray<byte>(ChunkSize);
        }

        public readonly float[] Observations;
        public readonly float[] NextObservations;
        public readonly float[] Actions;
        public readonly float[] Rewards;
        public readonly byte[] Terminals;
    }

    public ReplayBuffer(long capacity, int observationSize, int actionSize)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "replay capacity must be at least 1.");
        if (observationSize < 1 || actionSize < 1) throw new ArgumentException("observation and action sizes must be positive.");
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionSize = actionSize;
    }

    public long Capacity { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }

    /// <summary>Transitions held (at most <see cref="Capacity"/>).</summary>
    public long Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Transitions ever added (the ring position grows past the capacity).</summary>
    public long TotalAdded
    {
        get { lock (_gate) return _position; }
    }

    /// <summary>Bytes one transition occupies.</summary>
    public static long BytesPerTransition(int observationSize, int actionSize) => (2L * observationSize + actionSize + 1) * sizeof(float) + 1;

    /// <summary>Bytes currently allocated (whole chunks).</summary>
    public long AllocatedBytes
    {
        get { lock (_gate) return (long)_chunks.Count * ChunkSize * BytesPerTransition(ObservationSize, ActionSize); }
    }

    /// <summary>Stores one transition; when full, the oldest is overwritten.</summary>
    public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, bool terminal, ReadOnlySpan<float> nextObservation)
    {
        if (observation.Length != ObservationSize || nextObservation.Length != ObservationSize || action.Length != ActionSize)
            throw new ArgumentException($"transition sizes obs {observation.Length}/next {nextObservation.Length}/action {action.Length} do not match the buffer's {ObservationSize}/{ActionSize}.");
        if (!float.IsFinite(reward))
            throw new ArgumentException($"replay: reward {reward} is not finite (non-finite values never enter the buffer; reliability.md R7).");
        lock (_gate)
        {
            long slot = _position % Capacity;
            var chunk = ChunkFor(slot);
            int row = (int)(slot & ChunkMask);
            observation.CopyTo(chunk.Observations.AsSpan(row * ObservationSize, ObservationSize));
            nextObservation.CopyTo(chunk.NextObservations.AsSpan(row * ObservationSize, ObservationSize));
            action.CopyTo(chunk.Actions.AsSpan(row * ActionSize, ActionSize));
            chunk.Rewards[row] = reward;
            chunk.Terminals[row] = terminal ? (byte)1 : (byte)0;
            _position++;
            if (_count < Capacity) _count++;
        }
    }

    private Chunk ChunkFor(long slot)
    {
        int index = (int)(slot >> ChunkShift);
        while (_chunks.Count <= index) _chunks.Add(new Chunk(ObservationSize, ActionSize));
        return _chunks[index];
    }

    /// <summary>
    /// Draws <paramref name="batchSize"/> transitions uniformly (with replacement) and writes them row-major into
    /// the destination spans (rows [0, batchSize)). With <paramref name="mirror"/> the mirrored copies follow in
    /// rows [batchSize, 2·batchSize): Mirror(s), Mirror(a), the same r and terminal, Mirror(s') (Reason8's
    /// reflection augmentation, recipes §5.3). <paramref name="notTerminal"/> receives 1 − terminal.
    /// </summary>
    public void Sample(Xoshiro256 rng, int batchSize, Span<float> observations, Span<float> actions, Span<float> rewards,
        Span<float> notTerminal, Span<float> nextObservations, (MirrorMap Observation, MirrorMap Action)? mirror = null)
    {
        int rows = mirror is null ? batchSize : 2 * batchSize;
        if (observations.Length < rows * ObservationSize || nextObservations.Length < rows * ObservationSize
            || actions.Length < rows * ActionSize || rewards.Length < rows || notTerminal.Length < rows)
            throw new ArgumentException($"sample destinations are too small for {rows} rows.");
        int o = ObservationSize, a = ActionSize;
        lock (_gate)
        {
            if (_count == 0) throw new InvalidOperationException("cannot sample from an empty replay buffer.");
            for (int i = 0; i < batchSize; i++)
            {
                long index = (long)(rng.NextDouble() * _count);
                var chunk = _chunks[(int)(index >> ChunkShift)];
                int row = (int)(index & ChunkMask);
                chunk.Observations.AsSpan(row * o, o).CopyTo(observations.Slice(i * o, o));
                chunk.NextObservations.AsSpan(row * o, o).CopyTo(nextObservations.Slice(i * o, o));
                chunk.Actions.AsSpan(row * a, a).CopyTo(actions.Slice(i * a, a));
                rewards[i] = chunk.Rewards[row];
                notTerminal[i] = chunk.Terminals[row] == 0 ? 1f : 0f;
            }
        }
        if (mirror is not (var mo, var ma)) return;
        for (int i = 0, j = batchSize; i < batchSize; i++, j++)
        {
            mo.Apply(observations.Slice(i * o, o), observations.Slice(j * o, o));
            mo.Apply(nextObservations.Slice(i * o, o), nextObservations.Slice(j * o, o));
            ma.Apply(actions.Slice(i * a, a), actions.Slice(j * a, a));
            rewards[j] = rewards[i];
            notTerminal[j] = notTerminal[i];
        }
    }

    /// <summary>Copies transition <paramref name="index"/> (0 = oldest held) out, for tests and inspection.</summary>
    public (float[] Observation, float[] Action, float Reward, bool Terminal, float[] NextObservation) Get(long index)
    {
        lock (_gate)
        {
            if (index < 0 || index >= _count) throw new ArgumentOutOfRangeException(nameof(index), index, $"buffer holds {_count}.");
            long slot = _count < Capacity ? index : (_position + index) % Capacity;
            var chunk = _chunks[(int)(slot >> ChunkShift)];
            int row = (int)(slot & ChunkMask);
            return (chunk.Observations.AsSpan(row * ObservationSize, ObservationSize).ToArray(),
                chunk.Actions.AsSpan(row * ActionSize, ActionSize).ToArray(),
                chunk.Rewards[row], chunk.Terminals[row] != 0,
                chunk.NextObservations.AsSpan(row * ObservationSize, ObservationSize).ToArray());
        }
    }

    private const int FormatVersion = 1;

    /// <summary>Writes the whole buffer (held transitions in slot order, counters) to <paramref name="writer"/>.</summary>
    public void Save(BinaryWriter writer)
    {
        lock (_gate)
        {
            writer.Write(FormatVersion);
            writer.Write(Capacity);
            writer.Write(ObservationSize);
            writer.Write(ActionSize);
            writer.Write(_position);
            writer.Write(_count);
            long remaining = _count;
            foreach (var chunk in _chunks)
            {
                if (remaining <= 0) break;
                int rows = (int)Math.Min(ChunkSize, remaining);
                WriteFloats(writer, chunk.Observations.AsSpan(0, rows * ObservationSize));
                WriteFloats(writer, chunk.NextObservations.AsSpan(0, rows * ObservationSize));
                WriteFloats(writer, chunk.Actions.AsSpan(0, rows * ActionSize));
                WriteFloats(writer, chunk.Rewards.AsSpan(0, rows));
                writer.Write(chunk.Terminals, 0, rows);
                remaining -= rows;
            }
        }
    }

    /// <summary>Replaces the content with a buffer written by <see cref="Save"/> (same capacity and sizes).</summary>
    public void Load(BinaryReader reader)
    {
        int version = reader.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"replay buffer format {version} is not {FormatVersion}.");
        long capacity = reader.ReadInt64();
        int obs = reader.ReadInt32(), act = reader.ReadInt32();
        if (capacity != Capacity || obs != ObservationSize || act != ActionSize)
            throw new InvalidDataException($"saved replay buffer is {capacity} × (obs {obs}, action {act}); this one is {Capacity} × ({ObservationSize}, {ActionSize}).");
        lock (_gate)
        {
            _position = reader.ReadInt64();
            _count = reader.ReadInt64();
            _chunks.Clear();
            long remaining = _count;
            while (remaining > 0)
            {
                var chunk = new Chunk(ObservationSize, ActionSize);
                int rows = (int)Math.Min(ChunkSize, remaining);
                ReadFloats(reader, chunk.Observations.AsSpan(0, rows * ObservationSize));
                ReadFloats(reader, chunk.NextObservations.AsSpan(0, rows * ObservationSize));
                ReadFloats(reader, chunk.Actions.AsSpan(0, rows * ActionSize));
                ReadFloats(reader, chunk.Rewards.AsSpan(0, rows));
                if (reader.Read(chunk.Terminals, 0, rows) != rows) throw new EndOfStreamException("replay buffer file is truncated.");
                _chunks.Add(chunk);
                remaining -= rows;
            }
        }
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values) =>
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    private static void ReadFloats(BinaryReader reader, Span<float> values)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);
        int read = 0;
        while (read < bytes.Length)
        {
            int n = reader.Read(bytes[read..]);
            if (n == 0) throw new EndOfStreamException("replay buffer file is truncated.");
            read += n;
        }
    }
}
