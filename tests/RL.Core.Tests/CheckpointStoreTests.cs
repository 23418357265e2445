using System.Diagnostics;
using RL.Core.Checkpoints;

namespace RL.Core.Tests;

/// <summary>Atomic checkpoints, corruption detection and fallback, retention (reliability.md R11, R12).</summary>
public class CheckpointStoreTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Path.Combine(Path.GetTempPath(), $"rl-store-{Guid.NewGuid():N}");

    [TearDown]
    public void RemoveDirectory()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static void Write(CheckpointStore store, long step, double? score = null) =>
        store.Save(step, "test", score, w =>
        {
            w.AddBinary("a.bin", b => b.Write(step));
            w.Add("b.txt", s => s.Write(System.Text.Encoding.UTF8.GetBytes(new string('x', 100))));
        });

    private static long Read(CheckpointReader r)
    {
        long value = 0;
        r.ReadBinary("a.bin", b => value = b.ReadInt64());
        return value;
    }

    [Test]
    public void KeepsTheLastKAndTheBestAndPointsAtTheLatest()
    {
        var store = new CheckpointStore(_dir, keepLast: 2);
        Write(store, 100, score: 5);
        Write(store, 200, score: 9);
        Write(store, 300, score: 1);
        Write(store, 400);
        Write(store, 500, score: 2);
        Assert.That(store.List(), Is.EqualTo(new[] { CheckpointStore.NameFor(500), CheckpointStore.NameFor(400), CheckpointStore.NameFor(200) }));
        Assert.That(Read(store.Open(CheckpointStore.LatestPointer)), Is.EqualTo(500));
        Assert.That(Read(store.Open(CheckpointStore.BestPointer)), Is.EqualTo(200));
        Assert.That(Directory.GetDirectories(_dir, ".tmp-*"), Is.Empty);
    }

    [TestCase("truncate")]
    [TestCase("flip")]
    [TestCase("manifest")]
    public void ACorruptCheckpointIsSkippedWithAMessageNamingTheFile(string damage)
    {
        var store = new CheckpointStore(_dir, keepLast: 3);
        Write(store, 1);
        Write(store, 2);
        string newest = Path.Combine(_dir, CheckpointStore.NameFor(2));
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(Path.Combine(newest, "b.txt"), new byte[10]);
                break;
            case "flip":
                var bytes = File.ReadAllBytes(Path.Combine(newest, "b.txt"));
                bytes[50] ^= 1;
                File.WriteAllBytes(Path.Combine(newest, "b.txt"), bytes);
                break;
            default:
                File.Delete(Path.Combine(newest, CheckpointManifest.FileName));
                break;
        }
        var skipped = new List<string>();
        var reader = store.OpenLatestValid(skipped);
        Assert.That(Read(reader!), Is.EqualTo(1), "falls back to the previous checkpoint");
        Assert.That(skipped, Has.Count.EqualTo(1));
        Assert.That(skipped[0], Does.Contain(CheckpointStore.NameFor(2)));
        Assert.That(skipped[0], damage switch
        {
            "truncate" => Does.Contain("b.txt has 10 bytes, the manifest says 100"),
            "flip" => Does.Contain("b.txt has SHA-256").And.Contain("corrupted"),
            _ => Does.Contain("manifest.json is missing"),
        });
        Assert.That(() => store.Open(CheckpointStore.NameFor(2)), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void AnInterruptedWriteNeverBecomesACheckpointAndIsCleanedUp()
    {
        var store = new CheckpointStore(_dir);
        Write(store, 1);
        Assert.That(() => store.Save(2, "test", null, w =>
        {
            w.AddBinary("a.bin", b => b.Write(2L));
            throw new IOException("disk full");
        }), Throws.TypeOf<IOException>());
        Assert.That(Read(store.Open(CheckpointStore.LatestPointer)), Is.EqualTo(1));
        Assert.That(store.List(), Is.EqualTo(new[] { CheckpointStore.NameFor(1) }));
        // A process killed mid-write leaves its temporary directory; the next start removes it.
        string dead = $".tmp-step_0000000003-{DeadPid()}";
        Directory.CreateDirectory(Path.Combine(_dir, dead));
        Assert.That(store.CleanStale(), Is.EqualTo(new[] { dead }));
        Assert.That(Read(store.OpenLatestValid(new List<string>())!), Is.EqualTo(1));
    }

    /// <summary>The pid of a process that has exited (and been reaped).</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Test]
    public void CleaningStaleTemporariesLeavesALiveWritersCheckpointAlone()
    {
        // Issue 10, part 4: a second start's cleanup deleted a live trainer's checkpoint in the making.
        var store = new CheckpointStore(_dir);
        Write(store, 1);
        using var live = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            string liveTemp = $".tmp-step_0000000002-{live.Id}";
            string deadTemp = $".tmp-step_0000000003-{DeadPid()}";
            Directory.CreateDirectory(Path.Combine(_dir, liveTemp));
            Directory.CreateDirectory(Path.Combine(_dir, deadTemp));
            Assert.That(store.CleanStale(), Is.EqualTo(new[] { deadTemp }));
            Assert.That(Directory.Exists(Path.Combine(_dir, liveTemp)), Is.True);
            live.Kill();
            live.WaitForExit();
            Assert.That(store.CleanStale(), Is.EqualTo(new[] { liveTemp }), "once its writer is gone it is stale");
        }
        finally
        {
            if (!live.HasExited) live.Kill();
        }
    }

    [Test]
    public void ASnapshotStillReadsAfterTheWriterPrunesItsCheckpoint()
    {
        // Issue 10, part 4: `rl eval` verified a checkpoint, the trainer pruned it, the load failed with DirectoryNotFoundException.
        var store = new CheckpointStore(_dir, keepLast: 1, keepBest: false);
        Write(store, 1);
        var snapshot = store.OpenSnapshot(CheckpointStore.LatestPointer, new[] { "a.bin" });
        Write(store, 2); // prunes step 1
        Assert.That(Directory.Exists(Path.Combine(_dir, CheckpointStore.NameFor(1))), Is.False);
        Assert.That(Read(snapshot), Is.EqualTo(1));
        Assert.That(() => snapshot.Open("b.txt"), Throws.TypeOf<InvalidOperationException>().With.Message.Contains("not read into this snapshot"));
        var gone = Assert.Throws<InvalidDataException>(() => store.OpenSnapshot(CheckpointStore.NameFor(1)))!;
        Assert.That(gone.Message, Does.Contain("does not exist").And.Contain(CheckpointStore.NameFor(2)));
    }

    [Test]
    public void ASnapshotOfLatestBestOrTheNewestValidNeverFailsWhileAWriterSavesAndPrunes()
    {
        var writer = new CheckpointStore(_dir, keepLast: 1);
        Write(writer, 0, score: 0);
        using var stop = new CancellationTokenSource();
        var saving = Task.Run(() =>
        {
            for (long step = 1; !stop.IsCancellationRequested; step++) Write(writer, step, score: step);
        });
        try
        {
            var reader = new CheckpointStore(_dir, keepLast: 1);
            var seen = new HashSet<long>();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 300 && clock.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                var skipped = new List<string>();
                var snapshot = (i % 3) switch
                {
                    0 => reader.OpenSnapshot(CheckpointStore.LatestPointer),
                    1 => reader.OpenSnapshot(CheckpointStore.BestPointer),
                    _ => reader.OpenLatestValid(skipped, n => reader.OpenSnapshot(n)),
                };
                Assert.That(snapshot, Is.Not.Null, string.Join("\n", skipped));
                long value = Read(snapshot!);
                Assert.That(value, Is.EqualTo(snapshot!.Manifest.Step), "the bytes are the checkpoint's own");
                seen.Add(value);
            }
            Assert.That(seen, Has.Count.GreaterThan(1), "the writer moved on while the reader read");
        }
        finally
        {
            stop.Cancel();
            saving.Wait();
        }
    }
}
