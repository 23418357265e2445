using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Environments;
using RL.Envs;
using RL.Envs.Wrappers;
using RL.Testing;

namespace RL.Algorithms.Tests;

/// <summary>
/// Issue 10 (1): an exception in a sampler (here an env that throws, as a NaN action did with adaptive parameter
/// noise) ends the run with exit code 1, a message that says what failed, the full exception in error.log and a
/// final checkpoint of the sound learner, which a resume continues from. Before, it escaped as an unhandled
/// exception and up to 10 minutes of work were lost.
/// </summary>
public class TrainingFailureTests
{
    /// <summary>TwinPendulum whose first instance throws at its <c>failAt</c>-th step, as an env bug would.</summary>
    private sealed class FailingEnv : IEnv
    {
        private readonly TwinPendulum _inner = new();
        private readonly int _failAt;
        private int _steps;

        public FailingEnv(int failAt) => _failAt = failAt;

        public EnvSpec Spec => _inner.Spec;
        public void Reset(long? seed, Span<float> observation) => _inner.Reset(seed, observation);

        public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            if (++_steps == _failAt) throw new InvalidOperationException("injected env bug");
            return _inner.Step(action, observation);
        }

        public void Dispose() => _inner.Dispose();
    }

    private static EnvProviderCatalog Providers(int failAt)
    {
        int made = 0;
        var registry = new EnvRegistry()
            .Register("TwinPendulum", _ => Interlocked.Increment(ref made) == 1 && failAt > 0 ? new FailingEnv(failAt) : new TwinPendulum(), "two pendulums, the first of which can fail");
        RewardShaping.Register(registry);
        return new EnvProviderCatalog().Register(new InProcessEnvProvider(registry));
    }

    private static TrainOutcome Train(RunConfig config, int failAt, string? resume = null)
    {
        using var session = TrainingSession.Open(config, Providers(failAt), new SessionOptions
        {
            ResumeDirectory = resume,
            AlgorithmColumns = Ddpg.Ddpg.ProgressColumns,
        });
        return DdpgTrainer.Train(session);
    }

    [TestCase("sync")]
    [TestCase("async")]
    public void ASamplerExceptionEndsTheRunWithExitCode1AndAFinalCheckpoint(string mode)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TestRuns.TinyYaml(runs, "fails"), $"ddpg.mode={mode}", "train.max_updates=100000",
                "checkpoint.every_updates=1000000", "evaluation.every_env_steps=0");
            var outcome = Train(config, failAt: 300);
            Assert.That(outcome.ExitCode, Is.EqualTo(1), outcome.Reason);
            Assert.That(outcome.Reason, Does.Contain("sampler 0 failed").And.Contain("injected env bug").And.Contain("error.log").And.Contain("final checkpoint"));
            string run = Path.Combine(runs, TrainingSession.RunDirectoryName(config));
            Assert.That(File.ReadAllText(Path.Combine(run, "error.log")), Does.Contain("injected env bug").And.Contain(nameof(FailingEnv)), "the stack trace is kept");

            var checkpoint = new CheckpointStore(Path.Combine(run, "checkpoints")).Open(CheckpointStore.LatestPointer);
            // Async samplers may run up to ddpg.sampler_lead_steps (1000) ahead of a learner that has not started yet
            // on a loaded machine, so the saved work is counted in env steps (with the replay buffer), not updates.
            Assert.That(long.Parse(checkpoint.Manifest.Meta["env_steps"]), Is.GreaterThanOrEqualTo(299), "the run's work is saved: " + outcome.Reason);
            Assert.That(checkpoint.Has("replay.bin"), Is.True);
            Assert.That(checkpoint.Has("sampler_0.bin"), Is.False, "the failed sampler's mid-step state is left out");
            Assert.That(checkpoint.Has("sampler_1.bin"), Is.True);

            var resumed = TestRuns.Load(File.ReadAllText(Path.Combine(run, "config.yaml")), $"train.max_updates={long.Parse(checkpoint.Manifest.Meta["updates"]) + 50}");
            var after = Train(resumed, failAt: 0, resume: run);
            Assert.That(after.ExitCode, Is.EqualTo(0), after.Reason);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
