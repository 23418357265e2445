namespace RL.Cli.Tests;

/// <summary>
/// Issue 10, part 5: the fault-injection env is a test tool, so `rl env check` names it among the known envs only with
/// --allow-test-envs (as `rl serve` serves it only then).
/// </summary>
public class EnvListTests
{
    [Test]
    public void AnUnknownEnvListsTheKnownEnvsWithoutTheFaultEnv()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "env", "check", "--env", "Foo", "--steps", "1");
        string output = stdout + stderr;
        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("unknown env 'Foo'").And.Contain("L2R").And.Contain("Pendulum"));
        Assert.That(output, Does.Not.Contain("Fault"));
        Assert.That(output, Does.Not.Contain("   at "), "an expected failure, not a stack trace");

        (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "env", "check", "--env", "Foo", "--steps", "1", "--allow-test-envs");
        Assert.That(stdout + stderr, Does.Contain("Fault"), "listed when test envs are allowed");
    }
}
