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

    [TestCase("foo", "rl: Unrecognized command or argument 'foo'.", "rl: see `rl --help`.")]
    [TestCase("train --bogus", "rl train: config error: '--bogus': is not an option of rl train (see `rl train --help`) nor a config file.", null)]
    [TestCase("doctor --bogus", "rl: Unrecognized command or argument '--bogus'.", "rl: see `rl doctor --help`.")]
    public void AnUnknownCommandOrOptionIsOneLineAndTheUsageCode(string args, string error, string? pointer)
    {
        var (code, stdout, stderr) = RlProcess.Run(Path.GetTempPath(), TimeSpan.FromSeconds(60), args.Split(' '));
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim().Split('\n'), Is.EqualTo(pointer is null ? new[] { error } : new[] { error, pointer }));
        Assert.That(stdout, Is.Empty, "no help text after the error");
    }
}
