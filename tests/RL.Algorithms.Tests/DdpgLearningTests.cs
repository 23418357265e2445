namespace RL.Algorithms.Tests;

/// <summary>DDPG and TD3 solve a small continuous-control task (the SB3/Tianshou "learns to a threshold" test).</summary>
public class DdpgLearningTests
{
    [Test]
    [Category("Slow")]
    public void DdpgSolvesThePendulumSwingUp() => SolvesThePendulumSwingUp("ddpg-pendulum.yaml");

    /// <summary>TD3 (Fujimoto et al. 2018) on ddpg-pendulum's settings, the same budget and bar, so the Zoo's TD3 row is comparable.</summary>
    [Test]
    [Category("Slow")]
    public void Td3SolvesThePendulumSwingUp() => SolvesThePendulumSwingUp("td3-pendulum.yaml");

    private static void SolvesThePendulumSwingUp(string recipe)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            string configs = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../experiments/configs"));
            var config = RL.Algorithms.Training.RunConfigLoader.Load(Path.Combine(configs, recipe),
                new[] { $"runs_dir={runs}", "train.max_env_steps=10000", "evaluation.every_env_steps=0", "evaluation.episodes=10" });
            var (outcome, dir) = TestRuns.Train(config);
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Reason);
            var scores = File.ReadAllLines(Path.Combine(dir, "evaluations.csv")).Skip(1)
                .Select(l => double.Parse(l.Split(',')[7], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.That(scores, Has.Count.EqualTo(10));
            // A random policy scores about −1200 per episode; a swing-up that holds the pendulum upright scores above −200.
            TestContext.Out.WriteLine($"{recipe}: mean evaluation return over 10 held-out episodes {scores.Average():F1}");
            Assert.That(scores.Average(), Is.GreaterThan(-300), $"mean evaluation return over 10 held-out episodes: {scores.Average():F1}");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
