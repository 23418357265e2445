using RL.Algorithms;
using RL.Algorithms.Training;

namespace RL.Cli.Tests;

/// <summary>`rl train` and `rl eval` dispatch once on `algorithm:` through the catalogue (issue 12's seam).</summary>
public class AlgorithmCatalogTests
{
    [TestCase(AlgorithmKind.Ddpg, "actor.pt", "losses/critic_loss")]
    [TestCase(AlgorithmKind.Ppo, "policy.pt", "losses/clip_fraction")]
    [TestCase(AlgorithmKind.Trpo, "policy.pt", "trpo/kl")]
    public void EveryAlgorithmIsInTheCatalogueWithItsPolicyFilesAndProgressColumns(AlgorithmKind kind, string policyFile, string column)
    {
        Assert.That(AlgorithmCatalog.Available, Does.Contain(kind));
        var algorithm = AlgorithmCatalog.For(kind);
        Assert.That(algorithm.Kind, Is.EqualTo(kind));
        Assert.That(algorithm.PolicyFiles, Does.Contain(policyFile));
        Assert.That(algorithm.ProgressColumns.Select(c => c.Name), Does.Contain(column));
        Assert.That(algorithm.ProgressColumns.Select(c => c.Name), Is.Unique);
    }

    /// <summary>The same commands train and evaluate PPO and TRPO as DDPG: run directory, checkpoints, `rl eval`'s checkpoint line.</summary>
    [TestCase("ppo")]
    [TestCase("trpo")]
    public void RlTrainAndRlEvalRunAnOnPolicyAlgorithmEndToEnd(string algorithm)
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        try
        {
            string config = Path.Combine(RlProcess.ConfigsDirectory, $"{algorithm}-pendulum.yaml");
            var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(120), "train", config, "--set", $"runs_dir={dir}",
                "--set", "train.max_env_steps=6144", "--set", "evaluation.every_env_steps=4096", "--set", "evaluation.episodes=2");
            Assert.That(code, Is.EqualTo(0), stdout + stderr);
            PendulumRuns.AssertNoStackTrace(stderr);
            string run = Path.Combine(dir, $"{algorithm}-pendulum-seed1");
            Assert.That(File.ReadAllText(Path.Combine(run, "progress.csv")), Does.Contain(algorithm == "ppo" ? "losses/clip_fraction" : "trpo/line_search_steps"));
            (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "eval", run, "--episodes", "2");
            Assert.That(code, Is.EqualTo(0), stdout + stderr);
            Assert.That(stdout, Does.Contain("checkpoint best = step_"));
            PendulumRuns.AssertNoStackTrace(stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
