namespace RL.Analysis.Tests;

/// <summary>Issue 13: rl report's Markdown says what ran, shows every table, what differs between variants, every run, and how to reproduce it.</summary>
public class ExperimentReportTests
{
    [Test]
    public void TheReportHasEverySectionTheConfigDifferencesAndTheRuns()
    {
        using var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        runs.Run("b/seed_9", new RunSpec { Name = "exp-b" }); // config.yaml and no CSV: left out, and said
        var set = RunScan.Scan(runs.Root);
        var metrics = new List<Metric> { Metric.Score, Metric.Eval };
        metrics.Add(ExperimentAnalysis.MainLoss(set)!);
        Assert.That(metrics[2].Name, Is.EqualTo("losses/critic_loss"), "the first losses/ column the trainer logs");
        var analysis = ExperimentAnalysis.Run(set, new AnalysisOptions { Metrics = metrics });
        string md = ExperimentReport.Markdown(analysis, metrics.ToDictionary(m => m.Name, m => $"report-figures/{m.FileStem}.png"),
            ["rl sweep x.yaml", "rl report runs/exp"], new DateTime(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc));
        Assert.That(md, Does.StartWith("# exp\n"));
        Assert.That(md, Does.Contain("- **Runs:** 7 in 2 variants (a: 4, b: 3); seeds 1, 2, 3, 4"));
        Assert.That(md, Does.Contain("- **Algorithm:** ddpg; **env:** L2R (difficulty=2)"));
        Assert.That(md, Does.Contain("- **Budget:** 1,000 decisions per run (experiment.yaml budget)"));
        Assert.That(md, Does.Contain("- **Code:** rl 0.1.0+abc, git abc"));
        Assert.That(md, Does.Contain("![exp: evaluation score (mean of each evaluation's episodes)](report-figures/eval.png)"));
        Assert.That(md, Does.Contain("](report-figures/losses_critic_loss.png)"));
        foreach (string section in new[] { "## Learning curves", "## Final performance", "## Probability of improvement", "## What each variant changes", "## Runs", "## Left out", "## Reproduce" })
            Assert.That(md, Does.Contain("\n" + section + "\n"), section);
        Assert.That(md, Does.Contain("| `ddpg.flip_prob` | 1.0 | 0.0 |"), "the key the variants change");
        Assert.That(md, Does.Not.Contain("`ddpg.tau`"), "a key every variant shares");
        Assert.That(md, Does.Not.Contain("`name`").And.Not.Contain("`seed`"), "per-run keys");
        Assert.That(md, Does.Contain("| a | 4 | 1,000 | 250 | 0:00:10 | 9.50 | 10.00 | a/seed_4 |"), "decisions, updates, training time, final score (mean of its 10 episodes, 5 to 14) and eval");
        Assert.That(md, Does.Contain("- b/seed_9: no progress.csv, episodes.csv or evaluations.csv yet"));
        Assert.That(md, Does.Contain("```bash\nrl sweep x.yaml\nrl report runs/exp\n```"));
    }
}
