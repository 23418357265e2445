using System.Text.Json;
using RL.Core.Checkpoints;

namespace RL.Algorithms.Tests;

/// <summary>
/// Reproducibility on CPU with one thread (reliability.md R13, R15), end to end through the run loop: sync
/// collection over two env groups, bisection parameter noise, OU noise, reflection, observation normalisation,
/// replay in the checkpoint.
/// </summary>
public class DdpgDeterminismTests
{
    private static readonly string[] StateFiles =
    {
        "actor.pt", "critic.pt", "actor_target.pt", "critic_target.pt", "actor_published.pt", "actor_optimizer.bin",
        "critic_optimizer.bin", "learner.bin", "sampler_0.bin", "sampler_1.bin", "envs.bin", "replay.bin",
        "critic2.pt", "critic2_target.pt", "critic2_optimizer.bin",
    };

    /// <summary>TD3 (Fujimoto et al. 2018) on the same tiny run: all three switches, the delay 3 so it divides neither 170 nor 400.</summary>
    private static readonly string[] Td3 = { "ddpg.td3.twin_critics=true", "ddpg.td3.target_policy_noise=0.2", "ddpg.td3.policy_delay=3" };

    private static CheckpointManifest Final(string runDirectory) =>
        new CheckpointStore(Path.Combine(runDirectory, "checkpoints")).Open(CheckpointStore.LatestPointer).Manifest;

    private static Dictionary<string, string> Hashes(CheckpointManifest m) =>
        m.Files.Where(f => StateFiles.Contains(f.Name)).ToDictionary(f => f.Name, f => f.Sha256);

    [Test]
    public void TheSameSeedGivesTheSameFirstThousandUpdates() => SameSeedSameRun();

    [Test]
    public void Td3TheSameSeedGivesTheSameFirstThousandUpdates() => SameSeedSameRun(Td3);

    [Test]
    public void ResumeAfterNUpdatesContinuesBitIdenticallyToAnUninterruptedRun() => ResumeIsBitIdentical();

    [Test]
    public void Td3ResumeAfterNUpdatesContinuesBitIdenticallyToAnUninterruptedRun() => ResumeIsBitIdentical(Td3);

    private static string[] With(string[] extra, params string[] overrides) => overrides.Concat(extra).ToArray();

    private static void SameSeedSameRun(params string[] extra)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TestRuns.TinyYaml(runs, "a"), With(extra, "train.max_updates=1000", "checkpoint.every_updates=5000", "evaluation.every_env_steps=0"));
            var (first, dirA) = TestRuns.Train(config);
            var (second, dirB) = TestRuns.Train(config with { Name = "b" });
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Reason);
            Assert.That(second.ExitCode, Is.EqualTo(0), second.Reason);
            var a = Final(dirA);
            var b = Final(dirB);
            Assert.That(a.Meta["updates"], Is.EqualTo("1000"));
            Assert.That(a.Files.Any(f => f.Name == "critic2.pt"), Is.EqualTo(extra.Length > 0), "the second critic is checkpointed exactly when twin_critics is on");
            Assert.That(Hashes(b), Is.EqualTo(Hashes(a)), "every network, optimiser, RNG stream, sampler, env and replay byte");
            var rowsA = TestRuns.ProgressRowsWithoutTime(dirA);
            var rowsB = TestRuns.ProgressRowsWithoutTime(dirB);
            // One row per iteration boundary that follows an update (4 envs step per iteration, so 4 updates per row).
            Assert.That(rowsA, Has.Count.GreaterThanOrEqualTo(250));
            Assert.That(rowsB, Is.EqualTo(rowsA), "losses, returns and counters of every update");
            var changed = TestRuns.Train(config with { Name = "c", Seed = 8 });
            Assert.That(Hashes(Final(changed.Directory))["actor.pt"], Is.Not.EqualTo(Hashes(a)["actor.pt"]), "another seed gives another run");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    private static void ResumeIsBitIdentical(params string[] extra)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var full = TestRuns.Load(TestRuns.TinyYaml(runs, "full"), With(extra, "train.max_updates=400"));
            var (outcome, fullDir) = TestRuns.Train(full);
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Reason);

            // N = 170 updates, then a new session (as a new process would) continues to 400 from the checkpoint.
            var half = TestRuns.Load(TestRuns.TinyYaml(runs, "half"), With(extra, "train.max_updates=170"));
            var (halfOutcome, halfDir) = TestRuns.Train(half);
            Assert.That(halfOutcome.ExitCode, Is.EqualTo(0), halfOutcome.Reason);
            Assert.That(long.Parse(Final(halfDir).Meta["updates"]), Is.InRange(170, 173), "sync mode stops at the iteration boundary after max_updates");
            var resumed = TestRuns.Load(File.ReadAllText(Path.Combine(halfDir, "config.yaml")), "train.max_updates=400");
            var (resumedOutcome, resumedDir) = TestRuns.Train(resumed, resume: halfDir);
            Assert.That(resumedOutcome.ExitCode, Is.EqualTo(0), resumedOutcome.Reason);
            Assert.That(resumedDir, Is.EqualTo(halfDir));

            var expected = Final(fullDir);
            var actual = Final(resumedDir);
            Assert.That(actual.Meta, Is.EqualTo(expected.Meta.Where(kv => kv.Key != "resumes").Append(new("resumes", "1")).ToDictionary(kv => kv.Key, kv => kv.Value)));
            var differing = Hashes(expected).Where(kv => Hashes(actual)[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();
            Assert.That(differing, Is.Empty, "final state after N updates + checkpoint + new session + the rest, file by file");
            Assert.That(TestRuns.ProgressRowsWithoutTime(resumedDir, afterUpdates: 173), Is.EqualTo(TestRuns.ProgressRowsWithoutTime(fullDir, afterUpdates: 173)));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
