using RL.Algorithms.Training;
using RL.Core.Config;

namespace RL.Algorithms.Tests;

public class RunConfigTests
{
    [Test]
    public void ATypoFailsWithTheKeyItsLineAndTheNearestValidKey()
    {
        const string yaml = "name: x\nddpg:\n  gamma: 0.9\n  tua: 0.001\n";
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load(yaml))!;
        Assert.That(e.Errors, Has.Count.EqualTo(1));
        Assert.That(e.Errors[0].Key, Is.EqualTo("ddpg.tua"));
        Assert.That(e.Errors[0].Source!.Line, Is.EqualTo(4));
        Assert.That(e.Message, Does.Contain("did you mean 'ddpg.tau'"));
        Assert.That(ConfigException.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void WrongTypesAndRangesAreReportedTogetherWithTheirKeys()
    {
        const string yaml = "seed: -3\ntrain:\n  mode: fast\n  updates_per_env_step: lots\nddpg:\n  batch_size: 1.5\n  flip_prob: 2\n";
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load(yaml))!;
        Assert.That(e.Errors.Select(x => (x.Key, x.Source!.Line)), Is.EquivalentTo(new[]
        {
            ("seed", 1), ("train.mode", 3), ("train.updates_per_env_step", 4), ("ddpg.batch_size", 6), ("ddpg.flip_prob", 7),
        }));
        Assert.That(e.Message, Does.Contain("'fast' is not one of: sync, async"));
    }

    [Test]
    public void OverridesApplyAndNameThemselvesInErrors()
    {
        var config = TestRuns.Load("name: x\n", "ddpg.tau=0.01", "ddpg.actor.hidden=[32, 16]", "env.options.frame_skip=4");
        Assert.That(config.Ddpg.Tau, Is.EqualTo(0.01));
        Assert.That(config.Ddpg.Actor.Hidden, Is.EqualTo(new[] { 32, 16 }));
        Assert.That(config.Env.Options["frame_skip"], Is.EqualTo("4"));
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load("name: x\n", "ddpg.gama=0.5"))!;
        Assert.That(e.Message, Does.StartWith("--set ddpg.gama=0.5: 'ddpg.gama'"));
    }

    [Test]
    public void EveryShippedRecipeLoadsAndTheEffectiveConfigReadsBackEqual()
    {
        string configs = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../experiments/configs"));
        var files = Directory.GetFiles(configs, "*.yaml");
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(10));
        foreach (string file in files)
        {
            var config = RunConfigLoader.Load(file, Array.Empty<string>());
            var again = TestRuns.Load(ConfigWriter.ToYaml(config));
            Assert.That(ConfigWriter.ToYaml(again), Is.EqualTo(ConfigWriter.ToYaml(config)), file);
        }
        var reason8 = RunConfigLoader.Load(Path.Combine(configs, "ddpg-l2r-reason8.yaml"), Array.Empty<string>());
        var noFlip = RunConfigLoader.Load(Path.Combine(configs, "ddpg-l2r-no-flip.yaml"), Array.Empty<string>());
        var expected = reason8 with { Name = "ddpg-l2r-no-flip", Ddpg = reason8.Ddpg with { FlipProb = 0 } };
        Assert.That(ConfigWriter.ToYaml(noFlip), Is.EqualTo(ConfigWriter.ToYaml(expected)), "an ablation changes exactly its one trick");
    }
}
