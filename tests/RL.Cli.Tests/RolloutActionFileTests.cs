namespace RL.Cli.Tests;

/// <summary>
/// Issue 11 ("a new user's first hour"): `rl env rollout --actions FILE` names the file, the step and the bad value
/// instead of the JSON parser's text, refuses an empty sequence, warns when it clips, and its text output prints
/// what its --help promises.
/// </summary>
public class RolloutActionFileTests
{
    private static readonly string Zeros17 = string.Join(",", Enumerable.Repeat("0", 17));

    private static (int Code, string Stdout, string Stderr) Rollout(string fileName, string content, params string[] extra)
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        File.WriteAllText(Path.Combine(dir, fileName), content);
        try
        {
            return RlProcess.Run(dir, TimeSpan.FromSeconds(60), ["env", "rollout", "--actions", fileName, .. extra]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void NaNNamesTheFileLineStepAndAction()
    {
        var (code, stdout, stderr) = Rollout("nan.json", $"[\n [{Zeros17},0],\n [{Zeros17},NaN]\n]\n");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo(
            "rl: nan.json:3:37: malformed JSON in step 2 (counting from 1), action[17] (tib_ant_l): unexpected 'NaN' (JSON has no NaN or Infinity; actions must be finite numbers)."));
        Assert.That(stdout, Is.Empty, "nothing is simulated");
    }

    [Test]
    public void AnUnclosedArraySaysTheFileEndsInsideTheStep()
    {
        var (code, _, stderr) = Rollout("cut.json", "[[0.5, 0.5");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo("rl: cut.json:1:11: malformed JSON in step 1 (counting from 1): the file ends before the array is closed."));
        PendulumRuns.AssertNoStackTrace(stderr);
    }

    [Test]
    public void AStringValueIsNamed()
    {
        var (code, _, stderr) = Rollout("str.json", $"[[\"0.5\",{Zeros17}]]");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo("rl: str.json: step 1 (counting from 1), action[0] (hamstrings_r) is the string \"0.5\", not a number."));
    }

    [TestCase("", "the file is empty")]
    [TestCase(" [ ] ", "the array is empty")]
    public void AnEmptySequenceIsAnErrorNamingTheFile(string content, string why)
    {
        var (code, stdout, stderr) = Rollout("empty.json", content);
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo($"rl: empty.json: no actions ({why}; expected a JSON array with one array of 18 numbers per step)."));
        Assert.That(stdout, Is.Empty);
    }

    [Test]
    public void OutOfRangeValuesAreClippedWithOneWarning()
    {
        var (code, _, stderr) = Rollout("big.json", $"[[0.5,{Zeros17}],[2.0,{Zeros17}],[-1,{Zeros17}]]");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo(
            "rl env rollout: warning: 2 action values outside [0, 1] were clipped to it, as the env does; the first: step 2 (counting from 1), action[0] (hamstrings_r) = 2 became 1."));
    }

    [Test]
    public void TextOutputPrintsWhatTheHelpPromises()
    {
        var (_, help, _) = RlProcess.Run(Path.GetTempPath(), TimeSpan.FromSeconds(60), "env", "rollout", "--help");
        Assert.That(help, Does.Contain("print per step the observation, reward, terminated/truncated, muscle states and ligament forces"));

        var (code, stdout, stderr) = Rollout("ok.json", $"[[0.5,{Zeros17}]]");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stderr, Is.Empty, "no warning when nothing was clipped");
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.Match(@"^step +1 of 1: reward -?\d+\.\d{6} terminated=False truncated=False clipped_actions=0$"));
        Assert.That(lines[1], Does.StartWith("  observation:").And.Contain("pelvis_tilt=").And.Contain("obstacle_r="));
        Assert.That(lines[2], Does.StartWith("  activation:").And.Contain("hamstrings_r=").And.Contain("tib_ant_l="));
        Assert.That(lines[3], Does.StartWith("  fiber length m:").And.Contain("tib_ant_l="));
        Assert.That(lines[4], Does.StartWith("  tendon force N:").And.Contain("tib_ant_l="));
        Assert.That(lines[5], Does.StartWith("  ligament N·m:").And.Contain("HipLimit_r=").And.Contain("AnkleLimit_l="));
    }
}
