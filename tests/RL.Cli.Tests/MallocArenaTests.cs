namespace RL.Cli.Tests;

/// <summary>
/// Issue 16: rl raises glibc's malloc arena limit before it starts threads, so a sampler never shares the learner's
/// arena (the learner blocked on that lock 630-936 times a second with glibc's 8 × cores). rl doctor says what the
/// process got; a user's MALLOC_ARENA_MAX is left alone.
/// </summary>
public class MallocArenaTests
{
    [Test]
    public void RlRaisesTheArenaLimitAtStartup()
    {
        Assume.That(OperatingSystem.IsLinux(), "glibc arenas are a Linux matter");
        var (_, stdout, stderr) = RlProcess.Run(Path.GetTempPath(), TimeSpan.FromSeconds(120), "doctor");
        string line = stdout.Split('\n').SingleOrDefault(l => l.Contains("malloc arenas")) ?? "";
        Assert.That(line, Does.StartWith("OK").And.Contain("up to 128 per process"), stdout + stderr);
    }

    [Test]
    public void AUsersMallocArenaMaxIsLeftAlone()
    {
        Assume.That(OperatingSystem.IsLinux(), "glibc arenas are a Linux matter");
        var (_, stdout, stderr) = RlProcess.Run(Path.GetTempPath(), TimeSpan.FromSeconds(120), new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "4" }, "doctor");
        string line = stdout.Split('\n').SingleOrDefault(l => l.Contains("malloc arenas")) ?? "";
        Assert.That(line, Does.Contain("MALLOC_ARENA_MAX=4 from the environment"), stdout + stderr);
    }
}
