using RL.Analysis;

namespace RL.Analysis.Tests;

/// <summary>Issue 13: plots read run directories' CSV files, including ones a run is still writing.</summary>
public class RunCsvTests
{
    private static string Write(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-csv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void ATornLastLineIsSkippedAndSaidEmptyCellsAreMissingValues()
    {
        string path = Write("time/env_steps,eval/score,source\n100,1.5,train\n200,,train\n300,2.");
        try
        {
            var csv = RunCsv.Read(path);
            Assert.That(csv.Count, Is.EqualTo(2));
            Assert.That(csv.Numbers("time/env_steps"), Is.EqualTo(new double?[] { 100, 200 }));
            Assert.That(csv.Numbers("eval/score"), Is.EqualTo(new double?[] { 1.5, null }));
            Assert.That(csv.Texts("source"), Is.EqualTo(new[] { "train", "train" }));
            Assert.That(csv.Skipped, Has.Count.EqualTo(1));
            Assert.That(csv.Skipped[0], Does.Contain(":4:").And.Contain("cut short"));
            string allFields = Write("x,y\n1,2\n3,2.");
            try
            {
                var cut = RunCsv.Read(allFields);
                Assert.That(cut.Numbers("y"), Is.EqualTo(new double?[] { 2 }), "a last line without its newline is torn even with every field");
            }
            finally
            {
                File.Delete(allFields);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AnUnknownColumnOrAnEmptyFileIsAnErrorNamingTheFile()
    {
        string path = Write("a,b\n1,2\n");
        string empty = Write("");
        try
        {
            var csv = RunCsv.Read(path);
            var e = Assert.Throws<InvalidDataException>(() => csv.Numbers("c"))!;
            Assert.That(e.Message, Does.Contain(path).And.Contain("no column 'c'").And.Contain("a, b"));
            Assert.That(() => RunCsv.Read(empty), Throws.TypeOf<InvalidDataException>().With.Message.Contains("empty"));
            Assert.That(() => RunCsv.Read(path + ".missing"), Throws.TypeOf<InvalidDataException>().With.Message.Contains("no such file"));
        }
        finally
        {
            File.Delete(path);
            File.Delete(empty);
        }
    }

    [Test]
    public void AFileTheTrainerStillHoldsOpenForWritingCanBeRead()
    {
        string path = Write("x\n1\n");
        try
        {
            using var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            writer.Write("2\n"u8);
            writer.Flush();
            Assert.That(RunCsv.Read(path).Numbers("x"), Is.EqualTo(new double?[] { 1, 2 }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
