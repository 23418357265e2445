namespace RL.Algorithms.Tests;

/// <summary>DDPG solves a small continuous-control task (the SB3/Tianshou "learns to a threshold" test).</summary>
public class DdpgLearningTests
{
    [Test]
    [Category("Slow")]
    public void DdpgSolvesThePendulumSwingUp()
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            string configs = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../experiments/configs"));
            var config = RL.Algorithms.Training.RunConfigLoader.Load(Path.Combine(configs, "ddpg-pendulum.yaml"),
                new[] { $"runs_dir={runs}", "train.max_env_steps=10000", "evaluation.every_env_steps=0", "evaluation.episodes=10" });
            var (outcome, dir) = TestRuns.Train(config);
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Reason);
            var scores = File.ReadAllLines(Path.Combine(dir, "evaluations.csv")).Skip(1)
                .Select(l => double.Parse(l.Split(',')[7], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.That(scores, Has.Count.EqualTo(10));
            // A random policy scores about −1200 per episode; a swing-up that holds the pendulum upright scores above −200.
            Assert.That(scores.Average(), Is.GreaterThan(-300), $"mean evaluation return over 10 held-out episodes: {scores.Average():F1}");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
