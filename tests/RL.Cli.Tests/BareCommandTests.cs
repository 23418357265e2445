namespace RL.Cli.Tests;

/// <summary>Issue 11: bare `rl` prints the help with the command list and exits 2, not System.CommandLine's "Required command was not provided." with 1.</summary>
public class BareCommandTests
{
    [Test]
    public void BareRlPrintsTheCommandsAndExitsWithTheUsageCode()
    {
        var (code, stdout, stderr) = RlProcess.Run(Path.GetTempPath(), TimeSpan.FromSeconds(60));
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stdout, Does.Contain("Usage:").And.Contain("Commands:").And.Contain("train <config>").And.Contain("doctor"));
        Assert.That(stderr.Trim(), Is.EqualTo("rl: no command given; pick one of the commands above (`rl doctor` checks this machine first)."));
        Assert.That(stdout + stderr, Does.Not.Contain("Required command was not provided"));
    }
}
