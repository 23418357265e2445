using System.Diagnostics;
using RL.Core.Logging;

namespace RL.Core.Tests;

/// <summary>One trainer per run directory, released however the holder ends (issue 10, part 4).</summary>
public class RunLockTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Directory.CreateTempSubdirectory("rl-lock-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ASecondAcquireIsRefusedNamingTheHolderUntilItReleases()
    {
        var first = RunLock.Acquire(_dir);
        Assert.That(first.Effective, Is.True, "flock is enforced on the test machine's temp directory");
        var refused = Assert.Throws<RunLockedException>(() => RunLock.Acquire(_dir))!;
        Assert.That(refused.Owner, Does.Contain($"pid {Environment.ProcessId} on {Environment.MachineName}").And.Contain("rl train since"));
        Assert.That(refused.Message, Does.Contain(_dir).And.Contain($"pid {Environment.ProcessId}"));
        first.Dispose();
        Assert.That(File.Exists(Path.Combine(_dir, RunLock.OwnerFileName)), Is.False, "the owner record goes with the lock");
        using var second = RunLock.Acquire(_dir);
        Assert.That(RunLock.ReadOwner(Path.Combine(_dir, RunLock.OwnerFileName)), Is.EqualTo(second.Owner));
    }

    [Test]
    public void ASigkilledHolderLeavesTheRunUnlocked()
    {
        // util-linux flock(1) takes the same flock(2) lock as .NET's FileShare.None; -o keeps it in flock itself, not in sleep.
        string lockFile = Path.Combine(_dir, RunLock.FileName);
        var info = new ProcessStartInfo("flock") { UseShellExecute = false };
        foreach (string a in new[] { "-o", lockFile, "sleep", "60" }) info.ArgumentList.Add(a);
        using var holder = Process.Start(info)!;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    // Until flock holds it, this process may get it first: let go and try again.
                    RunLock.Acquire(_dir).Dispose();
                }
                catch (RunLockedException)
                {
                    break;
                }
                Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "flock(1) never took the lock");
                Thread.Sleep(20);
            }
            Assert.That(() => RunLock.Acquire(_dir), Throws.TypeOf<RunLockedException>().With.Message.Contains("owner not recorded yet"));
            holder.Kill(entireProcessTree: true); // SIGKILL
            holder.WaitForExit();
            using var taken = RunLock.Acquire(_dir);
            Assert.That(taken.Effective, Is.True);
        }
        finally
        {
            if (!holder.HasExited) holder.Kill(entireProcessTree: true);
        }
    }
}
