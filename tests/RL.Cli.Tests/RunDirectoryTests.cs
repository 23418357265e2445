using System.Diagnostics;

namespace RL.Cli.Tests;

/// <summary>
/// One trainer per run directory, and readers beside it (issue 10, part 4): a second `rl train --resume` of a run
/// being trained is refused naming the trainer's pid; `rl eval` during training succeeds while the trainer prunes
/// checkpoints, and writes its results to eval/ where no trainer rewrites them; a SIGKILLed trainer leaves the run
/// resumable.
/// </summary>
public class RunDirectoryTests
{
    [Test]
    public void ASecondTrainerIsRefusedEvalWorksDuringTrainingAndAKilledTrainerReleasesTheRun()
    {
        string work = Directory.CreateTempSubdirectory("rl-cli-lock-").FullName;
        string runs = Path.Combine(work, "runs");
        string run = Path.Combine(runs, "ddpg-pendulum-seed1");
        // keep_last 1 and a checkpoint every 100 updates: the trainer prunes several times a second.
        using var trainer = RlProcess.Start(work, ownSession: false, PendulumRuns.TrainArgs(runs, 100_000_000, "checkpoint.keep_last=1"));
        try
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(run, "checkpoints", "latest")))
            {
                Assert.That(trainer.Process.HasExited, Is.False, $"the trainer stopped early:\n{trainer.Stdout}\n{trainer.Stderr}");
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(90)), "no checkpoint within 90 s");
                Thread.Sleep(100);
            }

            var second = RlProcess.Run(work, TimeSpan.FromSeconds(60), "train", "--resume", run);
            Assert.That(second.ExitCode, Is.EqualTo(5), second.Stdout + second.Stderr);
            Assert.That(second.Stderr, Does.Contain($"{run} is locked by another process (pid {trainer.Process.Id} on "));
            PendulumRuns.AssertNoStackTrace(second.Stderr);

            // "best" has no pointer yet (no evaluation during this run), so it takes the newest valid checkpoint too.
            foreach (string checkpoint in new[] { "latest", "best", "latest" })
            {
                var eval = RlProcess.Run(work, TimeSpan.FromSeconds(60), "eval", run, "--episodes", "1", "--checkpoint", checkpoint);
                Assert.That(eval.ExitCode, Is.EqualTo(0), eval.Stdout + eval.Stderr);
                Assert.That(eval.Stdout, Does.Contain($"episodes to {Path.Combine(run, "eval")}"));
                PendulumRuns.AssertNoStackTrace(eval.Stderr);
            }
            Assert.That(trainer.Process.HasExited, Is.False, "training went on meanwhile");
            var results = Directory.GetFiles(Path.Combine(run, "eval"), "step_*.csv");
            Assert.That(results, Has.Length.EqualTo(3));
            foreach (string file in results)
                Assert.That(File.ReadAllLines(file), Has.Length.EqualTo(2).And.Some.Contains(",eval,step_"), file);

            trainer.Process.Kill(); // SIGKILL: no final checkpoint, no cleanup
            trainer.Process.WaitForExit();
            var resumed = RlProcess.Run(work, TimeSpan.FromSeconds(120), "train", "--resume", run, "--set", "train.max_env_steps=1");
            Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Stdout + resumed.Stderr);
            Assert.That(resumed.Stdout, Does.Contain("budget reached"));
            Assert.That(Directory.GetFiles(Path.Combine(run, "eval"), "step_*.csv"), Has.Length.EqualTo(3), "the trainer left rl eval's results alone");
        }
        finally
        {
            trainer.Dispose();
            Directory.Delete(work, recursive: true);
        }
    }
}
