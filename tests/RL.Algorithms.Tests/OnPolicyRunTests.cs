using System.Globalization;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;

namespace RL.Algorithms.Tests;

/// <summary>
/// PPO and TRPO end to end through the run loop (issue 12): the same seed gives the same updates, a resume is
/// bit-identical on CPU, and each learns the Pendulum swing-up (slow). Synchronous collection over two env
/// groups of TwinPendulum, mirrored batches, observation and reward normalisation, so every stateful piece is in play.
/// </summary>
public class OnPolicyRunTests
{
    private static readonly string[] StateFiles = { "policy.pt", "value.pt", "optimizer.bin", "value_optimizer.bin", "ppo.bin", "trpo.bin", "collector.bin", "envs.bin" };

    private static string TinyYaml(string runsDir, string name, string algorithm) => $$"""
        name: {{name}}
        runs_dir: {{runsDir}}
        seed: 7
        algorithm: {{algorithm}}
        env: {id: TwinPendulum, backend: in_process, groups: 2, envs_per_group: 2}
        observation: {normalize: true}
        reward: {scale: 0.1}
        train: {max_env_steps: 0, max_updates: 6}
        checkpoint: {every_minutes: 0, every_updates: 3, keep_last: 5}
        evaluation: {every_minutes: 0, every_env_steps: 0, episodes: 2, parallel_envs: 2, at_end: false}
        {{algorithm}}:
          policy: {hidden: [16, 16], activation: tanh, layer_norm: false, output_init: 0.01}
          value: {hidden: [16, 16], activation: tanh, layer_norm: false}
          steps_per_env: 40
          mirror: true
          normalize_reward: true
        """ + (algorithm == "ppo" ? "\n  epochs: 3\n  minibatch_size: 32\n  value_clip: 0.2\n  max_grad_norm: 0.5\n  entropy_coef: 0.01\n  target_kl: 0.5" : "\n  value_epochs: 2\n  value_minibatch_size: 32");

    private static (TrainOutcome Outcome, string Directory) Train(RunConfig config, string? resume = null)
    {
        var algorithm = AlgorithmCatalog.For(config.Algorithm);
        using var session = TrainingSession.Open(config, TestRuns.Providers(), new SessionOptions { ResumeDirectory = resume, AlgorithmColumns = algorithm.ProgressColumns });
        var outcome = algorithm.Train(session);
        return (outcome, session.Directory.Root);
    }

    private static CheckpointManifest Latest(string runDirectory) =>
        new CheckpointStore(Path.Combine(runDirectory, "checkpoints")).Open(CheckpointStore.LatestPointer).Manifest;

    private static Dictionary<string, string> Hashes(CheckpointManifest m) =>
        m.Files.Where(f => StateFiles.Contains(f.Name)).ToDictionary(f => f.Name, f => f.Sha256);

    /// <summary>progress.csv rows without wall-clock columns (time/* except the counters).</summary>
    private static List<string> Rows(string runDirectory, long afterUpdates = -1)
    {
        var lines = File.ReadAllLines(Path.Combine(runDirectory, "progress.csv"));
        var header = lines[0].Split(',');
        var keep = header.Select((h, i) => (h, i)).Where(x => !x.h.StartsWith("time/", StringComparison.Ordinal) || x.h is "time/updates" or "time/env_steps" or "time/episodes").Select(x => x.i).ToArray();
        return lines.Skip(1).Select(l => l.Split(',')).Where(c => long.Parse(c[0], CultureInfo.InvariantCulture) > afterUpdates)
            .Select(c => string.Join(",", keep.Select(i => c[i]))).ToList();
    }

    [TestCase("ppo")]
    [TestCase("trpo")]
    public void PipelinedCollectionGivesTheSameRunAsLockStep(string algorithm)
    {
        // Issue 16: each group steps while the policy acts on the others; every env's transitions (and so every
        // update, RNG stream and env byte) must equal lock-step collection's. Three groups, so the order matters.
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TinyYaml(runs, "piped", algorithm), "env.groups=3");
            var (piped, dirA) = Train(config);
            (TrainOutcome Outcome, string Directory) lockStep;
            OnPolicy.RolloutCollector.Pipelined = false;
            try
            {
                lockStep = Train(config with { Name = "lockstep" });
            }
            finally
            {
                OnPolicy.RolloutCollector.Pipelined = true;
            }
            Assert.That(piped.ExitCode, Is.EqualTo(0), piped.Reason);
            Assert.That(lockStep.Outcome.ExitCode, Is.EqualTo(0), lockStep.Outcome.Reason);
            Assert.That(Hashes(Latest(lockStep.Directory)), Is.EqualTo(Hashes(Latest(dirA))), "networks, optimiser, RNG streams, collector and env bytes");
            Assert.That(Rows(lockStep.Directory), Is.EqualTo(Rows(dirA)), "losses, KL, returns and counters of every update");
            Assert.That(File.ReadAllLines(Path.Combine(lockStep.Directory, "episodes.csv")).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 2))),
                Is.EqualTo(File.ReadAllLines(Path.Combine(dirA, "episodes.csv")).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 2)))),
                "every episode, in the same order (wall time left out)");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [TestCase("ppo")]
    [TestCase("trpo")]
    public void TheSameSeedGivesTheSameUpdates(string algorithm)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TinyYaml(runs, "a", algorithm));
            var (first, dirA) = Train(config);
            var (second, dirB) = Train(config with { Name = "b" });
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Reason);
            Assert.That(second.ExitCode, Is.EqualTo(0), second.Reason);
            Assert.That(Latest(dirA).Meta["updates"], Is.EqualTo("6"));
            Assert.That(Hashes(Latest(dirB)), Is.EqualTo(Hashes(Latest(dirA))), "networks, optimiser, RNG streams, collector and env bytes");
            Assert.That(Rows(dirA), Has.Count.EqualTo(6));
            Assert.That(Rows(dirB), Is.EqualTo(Rows(dirA)), "losses, KL, returns and counters of every update");
            var (_, dirC) = Train(config with { Name = "c", Seed = 8 });
            Assert.That(Hashes(Latest(dirC))["policy.pt"], Is.Not.EqualTo(Hashes(Latest(dirA))["policy.pt"]), "another seed gives another run");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [TestCase("ppo")]
    [TestCase("trpo")]
    public void ResumeContinuesBitIdenticallyToAnUninterruptedRun(string algorithm)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var (full, fullDir) = Train(TestRuns.Load(TinyYaml(runs, "full", algorithm)));
            Assert.That(full.ExitCode, Is.EqualTo(0), full.Reason);
            var (half, halfDir) = Train(TestRuns.Load(TinyYaml(runs, "half", algorithm), "train.max_updates=3"));
            Assert.That(half.ExitCode, Is.EqualTo(0), half.Reason);
            var resumed = TestRuns.Load(File.ReadAllText(Path.Combine(halfDir, "config.yaml")), "train.max_updates=6");
            var (again, resumedDir) = Train(resumed, resume: halfDir);
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Reason);
            var expected = Hashes(Latest(fullDir));
            var actual = Hashes(Latest(resumedDir));
            Assert.That(expected.Keys, Does.Contain("policy.pt").And.Contain("collector.bin").And.Contain("envs.bin"));
            var differing = expected.Where(kv => actual[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();
            Assert.That(differing, Is.Empty, "final state after 3 updates + checkpoint + new session + 3 more, file by file");
            Assert.That(Rows(resumedDir, afterUpdates: 3), Is.EqualTo(Rows(fullDir, afterUpdates: 3)));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [TestCase("ppo-pendulum.yaml", 150_000)]
    [TestCase("trpo-pendulum.yaml", 150_000)]
    [Category("Slow")]
    public void SolvesThePendulumSwingUp(string file, long steps)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            string configs = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../experiments/configs"));
            var config = RunConfigLoader.Load(Path.Combine(configs, file),
                new[] { $"runs_dir={runs}", $"train.max_env_steps={steps}", "evaluation.every_env_steps=0", "evaluation.episodes=10" });
            var (outcome, dir) = Train(config);
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Reason);
            var scores = File.ReadAllLines(Path.Combine(dir, "evaluations.csv")).Skip(1)
                .Select(l => double.Parse(l.Split(',')[7], CultureInfo.InvariantCulture)).ToList();
            Assert.That(scores, Has.Count.EqualTo(10));
            // A random policy scores about −1200 per episode; holding the pendulum upright from most starts scores above −300.
            Assert.That(scores.Average(), Is.GreaterThan(-400), $"mean evaluation return over 10 held-out episodes: {scores.Average():F1}");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
