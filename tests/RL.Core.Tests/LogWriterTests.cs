using System.Buffers.Binary;
using System.Text;
using RL.Core.Logging;

namespace RL.Core.Tests;

public class LogWriterTests
{
    [Test]
    public void Crc32CGivesTheStandardCheckValue() =>
        Assert.That(Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")), Is.EqualTo(0xE3069283u));

    [Test]
    public void TensorBoardRecordsAreFramedAndChecksummed()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rl-tb-{Guid.NewGuid():N}");
        try
        {
            string path;
            using (var tb = new TensorBoardWriter(dir))
            {
                tb.AddScalars(3_000_000_000L, new Dictionary<string, double> { ["charts/episodic_score"] = 12.5, ["losses/critic_loss"] = 0.25 });
                tb.AddScalar("eval/mean_score", 15.75, 3_000_000_001L);
                path = tb.Path;
            }
            byte[] file = File.ReadAllBytes(path);
            var records = new List<byte[]>();
            for (int at = 0; at < file.Length;)
            {
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
                Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)), Is.EqualTo(Crc32C.Masked(file.AsSpan(at, 8))));
                var data = file.AsSpan(at + 12, (int)length);
                Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length)), Is.EqualTo(Crc32C.Masked(data)));
                records.Add(data.ToArray());
                at += 12 + (int)length + 4;
            }
            Assert.That(records, Has.Count.EqualTo(3));
            Assert.That(Encoding.UTF8.GetString(records[0]), Does.Contain("brain.Event:2"));
            // Event.step is field 2 (varint): 3e9 needs more than 32 bits.
            var e = new Google.Protobuf.CodedInputStream(records[1]);
            e.ReadTag();
            e.ReadDouble();
            Assert.That(e.ReadTag(), Is.EqualTo(Google.Protobuf.WireFormat.MakeTag(2, Google.Protobuf.WireFormat.WireType.Varint)));
            Assert.That(e.ReadInt64(), Is.EqualTo(3_000_000_000L));
            Assert.That(Encoding.UTF8.GetString(records[1]), Does.Contain("charts/episodic_score").And.Contain("losses/critic_loss"));
            var value = BitConverter.GetBytes(12.5f);
            Assert.That(records[1].AsSpan().IndexOf(value), Is.GreaterThan(0), "simple_value as float32");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ACsvFileDropsATornLastRowAndRowsPastAResumePoint()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-{Guid.NewGuid():N}.csv");
        try
        {
            using (var t = new CsvTable(path, new[] { "step", "value" }))
            {
                for (int i = 1; i <= 5; i++) t.Append(new object?[] { i * 10, i * 0.5 });
            }
            File.AppendAllText(path, "60,3.0"); // killed mid-row: no newline
            using (var t = new CsvTable(path, new[] { "step", "value" }, ("step", 30)))
                t.Append(new object?[] { 40, double.NaN });
            Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { "step,value", "10,0.5", "20,1", "30,1.5", "40,nan" }));
            Assert.That(() => new CsvTable(path, new[] { "step", "other" }), Throws.TypeOf<InvalidDataException>().With.Message.Contains("columns"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TrimmingOnResumeKeepsRowsThisWriterDoesNotOwn()
    {
        // Issue 10, part 4: evaluations.csv rows written by `rl eval` were dropped when the trainer resumed from an earlier point.
        string path = Path.Combine(Path.GetTempPath(), $"rl-{Guid.NewGuid():N}.csv");
        try
        {
            string[] columns = { "step", "source" };
            using (var t = new CsvTable(path, columns))
            {
                t.Append(new object?[] { 10, "train" });
                t.Append(new object?[] { 40, "eval" });
                t.Append(new object?[] { 40, "train" });
            }
            using (new CsvTable(path, columns, ("step", 30), cells => cells[1] == "train")) { }
            Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { "step,source", "10,train", "40,eval" }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AWholeTableIsWrittenAtOnceWithTheSameFormatting()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-{Guid.NewGuid():N}.csv");
        try
        {
            CsvTable.WriteAll(path, new[] { "step", "value", "note" }, new[] { new object?[] { 1, 0.5, "a,b" }, new object?[] { 2, double.NaN, null } });
            Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { "step,value,note", "1,0.5,\"a,b\"", "2,nan," }));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*"), Is.Empty, "no temporary file left");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
