using System.Buffers.Binary;
using Google.Protobuf;

namespace RL.Core.Logging;

/// <summary>
/// A managed TensorBoard event-file writer (ecosystem.md §4): TFRecord framing (length, masked CRC-32C of the
/// length, the serialized tensorflow.Event, masked CRC-32C of the data) with Event and Summary messages
/// encoded field by field through Google.Protobuf's CodedOutputStream. Unlike TorchSharp's SummaryWriter it
/// keeps one buffered file open, takes 64-bit steps and fractional wall times, and needs no native code.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly MemoryStream _event = new();
    private readonly MemoryStream _summary = new();
    private readonly MemoryStream _value = new();
    private readonly byte[] _header = new byte[12];
    private readonly byte[] _footer = new byte[4];

    public TensorBoardWriter(string directory, string? fileName = null)
    {
        Directory.CreateDirectory(directory);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Path = System.IO.Path.Combine(directory, fileName ?? $"events.out.tfevents.{(long)now}.{Environment.MachineName}.{Environment.ProcessId}");
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        if (_file.Length == 0) WriteFileVersion(now);
    }

    public string Path { get; }

    /// <summary>Writes one event holding every scalar of <paramref name="values"/> at <paramref name="step"/>.</summary>
    public void AddScalars(long step, IEnumerable<KeyValuePair<string, double>> values, double? wallTime = null)
    {
        _summary.SetLength(0);
        var summary = new CodedOutputStream(_summary, leaveOpen: true);
        foreach (var (tag, value) in values)
        {
            if (!double.IsFinite(value)) continue;
            _value.SetLength(0);
            var v = new CodedOutputStream(_value, leaveOpen: true);
            v.WriteTag(1, WireFormat.WireType.LengthDelimited); // Summary.Value.tag
            v.WriteString(tag);
            v.WriteTag(2, WireFormat.WireType.Fixed32); // Summary.Value.simple_value
            v.WriteFloat((float)value);
            v.Flush();
            summary.WriteTag(1, WireFormat.WireType.LengthDelimited); // Summary.value
            summary.WriteBytes(ByteString.CopyFrom(_value.GetBuffer(), 0, (int)_value.Length));
        }
        summary.Flush();
        _event.SetLength(0);
        var e = new CodedOutputStream(_event, leaveOpen: true);
        e.WriteTag(1, WireFormat.WireType.Fixed64); // Event.wall_time
        e.WriteDouble(wallTime ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        e.WriteTag(2, WireFormat.WireType.Varint); // Event.step
        e.WriteInt64(step);
        e.WriteTag(5, WireFormat.WireType.LengthDelimited); // Event.summary
        e.WriteBytes(ByteString.CopyFrom(_summary.GetBuffer(), 0, (int)_summary.Length));
        e.Flush();
        WriteRecord(_event.GetBuffer().AsSpan(0, (int)_event.Length));
    }

    public void AddScalar(string tag, double value, long step, double? wallTime = null) =>
        AddScalars(step, new[] { KeyValuePair.Create(tag, value) }, wallTime);

    private void WriteFileVersion(double wallTime)
    {
        _event.SetLength(0);
        var e = new CodedOutputStream(_event, leaveOpen: true);
        e.WriteTag(1, WireFormat.WireType.Fixed64);
        e.WriteDouble(wallTime);
        e.WriteTag(3, WireFormat.WireType.LengthDelimited); // Event.file_version
        e.WriteString("brain.Event:2");
        e.Flush();
        WriteRecord(_event.GetBuffer().AsSpan(0, (int)_event.Length));
    }

    private void WriteRecord(ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(8), Crc32C.Masked(_header.AsSpan(0, 8)));
        BinaryPrimitives.WriteUInt32LittleEndian(_footer, Crc32C.Masked(data));
        _file.Write(_header);
        _file.Write(data);
        _file.Write(_footer);
    }

    /// <summary>Pushes buffered events to the OS (and to disk with <paramref name="durable"/>).</summary>
    public void Flush(bool durable = false) => _file.Flush(durable);

    public void Dispose()
    {
        _file.Flush(true);
        _file.Dispose();
    }
}
