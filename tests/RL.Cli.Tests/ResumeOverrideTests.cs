namespace RL.Cli.Tests;

/// <summary>
/// `rl train --resume --set` on a finished run: overrides that change what the checkpoint holds are refused before
/// anything is written; allowed ones are recorded in resumes.yaml; config.yaml never changes (issue 10, part 3).
/// An unexpected failure is one line and an error.log, never a stack dump (issue 10).
/// </summary>
public class ResumeOverrideTests
{
    private string _work = "";
    private string _run = "";

    [OneTimeSetUp]
    public void TrainAShortRun()
    {
        _work = Directory.CreateTempSubdirectory("rl-cli-resume-").FullName;
        string runs = Path.Combine(_work, "runs");
        var (code, stdout, stderr) = RlProcess.Run(_work, TimeSpan.FromSeconds(120), PendulumRuns.TrainArgs(runs, 400));
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        _run = Path.Combine(runs, "ddpg-pendulum-seed1");
        Assert.That(File.Exists(Path.Combine(_run, "checkpoints", "latest")), Is.True);
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_work, recursive: true);

    private string CopyRun()
    {
        string into = Path.Combine(_work, $"copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(into);
        return PendulumRuns.Copy(_run, into);
    }

    [Test]
    public void AnArchitectureOverrideIsRefusedLeavingTheRunAsItWasAndPlainResumesAndEvalStillWork()
    {
        string run = CopyRun();
        string config = Path.Combine(run, "config.yaml");
        byte[] before = File.ReadAllBytes(config);

        var refused = RlProcess.Run(_work, TimeSpan.FromSeconds(60), "train", "--resume", run, "--set", "ddpg.actor.hidden=[32]");
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.Stdout + refused.Stderr);
        Assert.That(refused.Stderr, Does.Contain("--set ddpg.actor.hidden=[32]: 'ddpg.actor.hidden': cannot change when resuming"));
        PendulumRuns.AssertNoStackTrace(refused.Stderr);
        Assert.That(File.ReadAllBytes(config), Is.EqualTo(before), "config.yaml byte-identical");
        Assert.That(File.Exists(Path.Combine(run, "resumes.yaml")), Is.False, "nothing recorded for a refused resume");

        var extended = RlProcess.Run(_work, TimeSpan.FromSeconds(120), "train", "--resume", run, "--set", "train.max_env_steps=600");
        Assert.That(extended.ExitCode, Is.EqualTo(0), extended.Stdout + extended.Stderr);
        Assert.That(extended.Stdout, Does.Contain("budget reached: max_env_steps 600"));
        Assert.That(File.ReadAllBytes(config), Is.EqualTo(before), "a resume never rewrites config.yaml");
        Assert.That(File.ReadAllText(Path.Combine(run, "resumes.yaml")), Does.Contain("- \"train.max_env_steps=600\""));

        // The extension sticks for a plain resume: it stops at the extended budget, not the original 400.
        var plain = RlProcess.Run(_work, TimeSpan.FromSeconds(120), "train", "--resume", run);
        Assert.That(plain.ExitCode, Is.EqualTo(0), plain.Stdout + plain.Stderr);
        Assert.That(plain.Stdout, Does.Contain("budget reached: max_env_steps 600"));

        var eval = RlProcess.Run(_work, TimeSpan.FromSeconds(120), "eval", run, "--episodes", "1");
        Assert.That(eval.ExitCode, Is.EqualTo(0), eval.Stdout + eval.Stderr);
    }

    [Test]
    public void AnUnexpectedFailureIsOneLineAndItsStackTraceGoesToErrorLog()
    {
        string run = CopyRun();
        // A file where the TensorBoard directory should be: an I/O failure nobody handles on purpose.
        Directory.Delete(Path.Combine(run, "tb"), recursive: true);
        File.WriteAllText(Path.Combine(run, "tb"), "not a directory");
        var (code, _, stderr) = RlProcess.Run(_work, TimeSpan.FromSeconds(60), "train", "--resume", run);
        Assert.That(code, Is.EqualTo(1), stderr);
        string errorLog = Path.Combine(run, "error.log");
        Assert.That(stderr, Does.Contain("rl train: failed: ").And.Contain($"stack trace in {errorLog}"));
        PendulumRuns.AssertNoStackTrace(stderr);
        Assert.That(File.ReadAllText(errorLog), Does.Match(@"(?m)^\s+at \S+\("), "the trace is in error.log");

        // rl eval likewise, even when its own log cannot be written (eval/ is a file here).
        File.WriteAllText(Path.Combine(run, "eval"), "not a directory");
        var eval = RlProcess.Run(_work, TimeSpan.FromSeconds(60), "eval", run, "--episodes", "1");
        Assert.That(eval.ExitCode, Is.EqualTo(1), eval.Stdout + eval.Stderr);
        Assert.That(eval.Stderr, Does.Contain("rl eval: failed: ").And.Contain("RL_DEBUG=1"));
        PendulumRuns.AssertNoStackTrace(eval.Stderr);
    }
}
