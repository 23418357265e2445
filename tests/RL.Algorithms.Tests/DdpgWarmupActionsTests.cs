using RL.Core.Buffers;
using RL.Core.Checkpoints;

namespace RL.Algorithms.Tests;

/// <summary>
/// ddpg.warmup_actions: uniform (issue 14) acts like Stable-Baselines3 before learning_starts: every warm-up action is
/// drawn uniformly over the action space, from the sampler's seeded stream; after the warm-up the actor acts again.
/// </summary>
public class DdpgWarmupActionsTests
{
    private const int Warmup = 400;

    /// <summary>The replay's actions, in insertion order, from the run's final checkpoint (TwinPendulum: 2 actions in [−2, 2]).</summary>
    private static float[][] ReplayActions(string runDirectory)
    {
        var reader = new CheckpointStore(Path.Combine(runDirectory, "checkpoints")).Open(CheckpointStore.LatestPointer);
        var replay = new ReplayBuffer(10000, 6, 2);
        reader.ReadBinary("replay.bin", replay.Load);
        return Enumerable.Range(0, (int)replay.Count).Select(i => replay.Get(i).Action).ToArray();
    }

    private static float[][] Run(string runs, string name, string warmupActions)
    {
        // One update per transition, so 600 updates is ~600 transitions, all from the actor.
        var config = TestRuns.Load(TestRuns.TinyYaml(runs, name), $"ddpg.warmup={Warmup}", $"ddpg.warmup_actions={warmupActions}",
            "ddpg.exploration.param_noise=none", "ddpg.exploration.param_noise_prob=0", "train.max_updates=600",
            "checkpoint.every_updates=5000", "evaluation.every_env_steps=0");
        var (outcome, dir) = TestRuns.Train(config);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Reason);
        return ReplayActions(dir);
    }

    private static double FractionBeyond(IEnumerable<float[]> actions, float magnitude) =>
        actions.SelectMany(a => a).Average(x => Math.Abs(x) > magnitude ? 1.0 : 0.0);

    /// <summary>Correlation of each action with the same env's next one (4 envs add a transition per step, in env order).</summary>
    private static double NextStepCorrelation(float[][] actions)
    {
        var x = actions.Select(a => (double)a[0]).ToArray();
        var pairs = Enumerable.Range(0, x.Length - 4).Select(i => (A: x[i], B: x[i + 4])).ToArray();
        double ma = pairs.Average(p => p.A), mb = pairs.Average(p => p.B);
        double cov = pairs.Average(p => (p.A - ma) * (p.B - mb));
        return cov / Math.Sqrt(pairs.Average(p => (p.A - ma) * (p.A - ma)) * pairs.Average(p => (p.B - mb) * (p.B - mb)));
    }

    [Test]
    public void UniformWarmupActionsCoverTheActionSpaceAndTheActorTakesOverAfterIt()
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var uniform = Run(runs, "uniform", "uniform");
            var policy = Run(runs, "policy", "policy");
            Assert.That(uniform, Has.Length.GreaterThan(Warmup + 400));
            var warm = uniform.Take(Warmup).ToArray();
            Assert.That(warm.SelectMany(a => a), Has.All.InRange(-2f, 2f));
            // U(−2, 2): a quarter of the draws beyond ±1.5, mean 0, variance 16/12; 800 draws put each within ~±0.05.
            Assert.That(FractionBeyond(warm, 1.5f), Is.EqualTo(0.25).Within(0.06));
            Assert.That(warm.SelectMany(a => a).Average(x => (double)x), Is.EqualTo(0).Within(0.15));
            Assert.That(warm.SelectMany(a => a).Average(x => (double)x * x), Is.EqualTo(16.0 / 12).Within(0.15));
            Assert.That(warm.Select(a => a[0]).Distinct().Count(), Is.GreaterThan(Warmup - 5), "a fresh draw every step, not held noise");

            Assert.That(Math.Abs(NextStepCorrelation(warm)), Is.LessThan(0.15), "independent draws");
            // The untrained tanh actor with OU noise (σ 0.3) rarely reaches ±1.5 and moves smoothly from step to step;
            // after the warm-up the actor acts again, so consecutive actions are correlated again.
            Assert.That(FractionBeyond(policy.Take(Warmup), 1.5f), Is.LessThan(0.1));
            Assert.That(NextStepCorrelation(policy.Take(Warmup).ToArray()), Is.GreaterThan(0.5));
            Assert.That(NextStepCorrelation(uniform.Skip(Warmup).ToArray()), Is.GreaterThan(0.5), "after the warm-up the actor acts");

            var again = Run(runs, "again", "uniform");
            Assert.That(again.SelectMany(a => a), Is.EqualTo(uniform.SelectMany(a => a)), "the draws come from the seeded sampler stream");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
