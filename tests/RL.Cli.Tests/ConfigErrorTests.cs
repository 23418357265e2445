namespace RL.Cli.Tests;

/// <summary>Malformed or empty config files stop `rl train` with exit code 2 and a position, not a crash (issue 10, part 6).</summary>
public class ConfigErrorTests
{
    [Test]
    public void MalformedYamlIsExitCode2WithFileLineAndColumn()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "a: [1\nb: 2\n");
        var (code, _, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "train", "bad.yaml");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("bad.yaml:2:1: malformed YAML").And.Contain("'[' at line 1, column 4 is not closed"));
        PendulumRuns.AssertNoStackTrace(stderr);
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void AnEmptyConfigIsExitCode2NamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        File.WriteAllText(Path.Combine(dir, "empty.yaml"), "# nothing yet\n");
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "train", "empty.yaml", "--dry-run");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("empty.yaml:1:1: this file is empty").And.Contain("experiments/configs/"));
        Assert.That(stdout, Is.Empty, "no effective config of class defaults is printed");
        Directory.Delete(dir, recursive: true);
    }
}
