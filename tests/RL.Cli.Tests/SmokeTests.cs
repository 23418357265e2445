namespace RL.Cli.Tests;

/// <summary>The `rl` child process starts from the test output folder and reports config errors with exit code 2.</summary>
public class SmokeTests
{
    [Test]
    public void DryRunPrintsTheEffectiveConfig()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "train", Path.Combine(RlProcess.ConfigsDirectory, "ddpg-pendulum.yaml"), "--dry-run");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("name: ddpg-pendulum"));
    }

    [Test]
    public void AMissingConfigFileIsAConfigError()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, _, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "train", "no-such-file.yaml");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("no-such-file.yaml"));
    }
}
