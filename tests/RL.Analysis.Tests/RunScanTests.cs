namespace RL.Analysis.Tests;

/// <summary>Issue 13: run directories found under a root and grouped into variants, in both layouts, with what was left out.</summary>
public class RunScanTests
{
    private static readonly RunSpec Spec = new() { Episodes = RunSpec.Scores((10, 1)) };

    [Test]
    public void SweepSeedDirectoriesGroupByTheirParentInTheExperimentFilesOrder()
    {
        using var runs = new RunFixture();
        runs.Experiment("exp", "zeta", "alpha");
        foreach (string variant in new[] { "alpha", "zeta", "extra/nested" })
            foreach (int k in new[] { 2, 1 })
                runs.Run($"{variant}/seed_{k}", Spec with { Name = $"exp-{variant}", Seed = 99 });
        File.WriteAllText(Path.Combine(runs.Root, "alpha", "seed_1.console.log"), "a sweep's log, not a run");
        var set = RunScan.Scan(runs.Root);
        Assert.That(set.Variants.Select(v => v.Name), Is.EqualTo(new[] { "zeta", "alpha", "extra/nested" }),
            "experiment.yaml's order first, then the rest alphabetically");
        Assert.That(set.Variants[1].Runs.Select(r => r.Seed), Is.EqualTo(new long?[] { 1, 2 }), "the seed of seed_<k> is k, in order");
        Assert.That(set.Variants[2].Runs[0].RelativePath, Is.EqualTo("extra/nested/seed_1"));
        Assert.That(set.Experiment!.Name, Is.EqualTo("exp"));
        Assert.That(set.Skipped, Is.Empty);
    }

    [Test]
    public void PlainRunsGroupByTheirConfigName()
    {
        using var runs = new RunFixture();
        runs.Run("ddpg-a-seed1", Spec with { Name = "ddpg-a", Seed = 1 });
        runs.Run("ddpg-a-seed2", Spec with { Name = "ddpg-a", Seed = 2 });
        runs.Run("ddpg-b-seed7", Spec with { Name = "ddpg-b", Seed = 7 });
        var set = RunScan.Scan(runs.Root);
        Assert.That(set.Variants.Select(v => (v.Name, v.Runs.Count)), Is.EqualTo(new[] { ("ddpg-a", 2), ("ddpg-b", 1) }));
        Assert.That(set.Variants[1].Runs[0].Seed, Is.EqualTo(7), "config.yaml's seed");
        Assert.That(set.Experiment, Is.Null);
    }

    [Test]
    public void DirectoriesThatAreNotUsableRunsAreSkippedWithWhy()
    {
        using var runs = new RunFixture();
        runs.Run("good-seed1", Spec with { Name = "good" });
        string started = Path.Combine(runs.Root, "started-seed1");
        Directory.CreateDirectory(started);
        File.WriteAllText(Path.Combine(started, "config.yaml"), "name: started\nseed: 1\n");
        string bare = Path.Combine(runs.Root, "bare");
        Directory.CreateDirectory(bare);
        File.WriteAllText(Path.Combine(bare, "progress.csv"), "time/env_steps\n1\n");
        string broken = runs.Run("broken-seed1", Spec);
        File.WriteAllText(Path.Combine(broken, "config.yaml"), "name: [unclosed\n");
        Directory.CreateDirectory(Path.Combine(runs.Root, "plots"));
        var set = RunScan.Scan(runs.Root);
        Assert.That(set.Runs.Select(r => r.Variant), Is.EqualTo(new[] { "good" }));
        Assert.That(set.Skipped, Has.Count.EqualTo(3));
        Assert.That(set.Skipped, Has.One.StartsWith("started-seed1: no progress.csv, episodes.csv or evaluations.csv"));
        Assert.That(set.Skipped, Has.One.StartsWith("bare: no config.yaml"));
        Assert.That(set.Skipped, Has.One.StartsWith("broken-seed1: unreadable config.yaml").And.Contain("config.yaml:"));
        Assert.That(() => RunScan.Scan(Path.Combine(runs.Root, "missing")), Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains("missing"));
    }
}
