using RL.Testing;
using System.Runtime.InteropServices;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 10, part 2 (reliability.md R17): systemd, Slurm and <c>timeout</c> stop a job with SIGTERM to its whole
/// process group, which reaches the trainer and its env servers at once. The servers used to stop on it (aborting
/// with "free(): corrupted unsorted chunks") and the trainer failed with "Cannot access a disposed object ...
/// GrpcChannel" without its final checkpoint. Now the managed servers ignore the signal, the trainer writes its final
/// checkpoint through them, closes them, and exits 143, leaving nothing in the group.
/// </summary>
public partial class GroupSignalTests
{
    private const int SIGTERM = 15, SIGKILL = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [Test]
    public void SigtermToTheWholeProcessGroupLeavesAFinalCheckpointAndNoProcess()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-sigterm-").FullName;
        string runs = Path.Combine(dir, "runs");
        // Learning to Run (MuJoCo: native memory in the servers, which is what the old servers corrupted when they
        // stopped under a step) through 2 local env servers (`rl serve --managed` children) of 2 envs; no periodic
        // evaluation or checkpoint, so the only checkpoint is the one the signal asks for. Pendulum, with no native
        // memory, did not show the failure.
        using var rl = RlProcess.Start(dir, ownSession: true,
            "train", Path.Combine(RlProcess.ConfigsDirectory, "ddpg-l2r-reason8-2core.yaml"),
            "--set", "env.backend=local", "--set", "env.groups=2", "--set", "env.envs_per_group=2",
            "--set", $"runs_dir={runs}", "--set", "train.max_env_steps=10000000", "--set", "train.console_interval_s=1",
            "--set", "ddpg.warmup=300", "--set", "evaluation.every_env_steps=0", "--set", "evaluation.every_minutes=0",
            "--set", "evaluation.at_end=false", "--set", "checkpoint.every_minutes=600");
        int pgid = rl.Process.Id;
        try
        {
            Assert.That(ProcessGroups.WaitUntil(() => rl.Stdout.Contains("learning starts") || rl.Process.HasExited, TimeSpan.FromSeconds(120)) && !rl.Process.HasExited, Is.True,
                $"training starts\nstdout:\n{rl.Stdout}\nstderr:\n{rl.Stderr}");
            Assert.That(ProcessGroups.Members(pgid), Has.Length.GreaterThanOrEqualTo(3), "the trainer and its 2 env servers share the process group");
            string checkpoints = Path.Combine(runs, "ddpg-l2r-reason8-2core-seed1", "checkpoints");
            Assert.That(Directory.Exists(checkpoints) ? Directory.GetDirectories(checkpoints, "step_*") : Array.Empty<string>(), Is.Empty, "no checkpoint before the signal");

            Assert.That(Kill(-pgid, SIGTERM), Is.Zero, "kill(-pgid, SIGTERM)");
            Assert.That(rl.Process.WaitForExit(60_000), Is.True, $"the trainer stops\nstderr:\n{rl.Stderr}");
            rl.Process.WaitForExit();

            string report = $"stdout:\n{rl.Stdout}\nstderr:\n{rl.Stderr}";
            Assert.That(rl.Process.ExitCode, Is.EqualTo(143), report);
            Assert.That(Directory.GetDirectories(checkpoints, "step_*"), Is.Not.Empty, $"a final checkpoint written after the signal\n{report}");
            Assert.That(File.Exists(Path.Combine(checkpoints, "latest")), Is.True, report);
            foreach (string sign in new[] { "free(", "malloc(", "corrupted", "Unhandled exception", "ObjectDisposedException", "Cannot access a disposed object", "env failure" })
                Assert.That(rl.Stderr + rl.Stdout, Does.Not.Contain(sign), report);
            Assert.That(ProcessGroups.WaitUntil(() => ProcessGroups.Members(pgid).Length == 0, TimeSpan.FromSeconds(10)), Is.True,
                $"nothing left in the process group: {string.Join(", ", ProcessGroups.Members(pgid))}");
        }
        finally
        {
            foreach (int pid in ProcessGroups.Members(pgid)) Kill(pid, SIGKILL);
        }
    }
}
