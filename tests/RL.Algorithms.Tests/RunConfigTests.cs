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
    public void ABadFrameSkipIsReportedUnderItsOwnKeyWhenTheConfigLoads()
    {
        // One representation (issue 16): env.options.frame_skip, checked with the registry's own bounds before any env starts.
        const string yaml = "name: x\nenv:\n  options:\n    frame_skip: 0\nevaluation:\n  options: {frame_skip: four}\n";
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load(yaml))!;
        Assert.That(e.Errors.Select(x => x.Key), Is.EquivalentTo(new[] { "env.options.frame_skip", "evaluation.options.frame_skip" }));
        Assert.That(e.Message, Does.Contain("0 is outside [1, 1000]").And.Contain("'four' is not a whole number"));
        Assert.That(TestRuns.Load("name: x\n", "env.options.frame_skip=4").Env.Options["frame_skip"], Is.EqualTo("4"));
    }

    [Test]
    public void WrongTypesAndRangesAreReportedTogetherWithTheirKeys()
    {
        const string yaml = "seed: -3\nddpg:\n  mode: fast\n  updates_per_env_step: lots\n  batch_size: 1.5\n  flip_prob: 2\n";
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load(yaml))!;
        Assert.That(e.Errors.Select(x => (x.Key, x.Source!.Line)), Is.EquivalentTo(new[]
        {
            ("seed", 1), ("ddpg.mode", 3), ("ddpg.updates_per_env_step", 4), ("ddpg.batch_size", 5), ("ddpg.flip_prob", 6),
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
    public void AnOffPolicyKeyInItsOldPlaceSaysWhereItMoved()
    {
        // Issue 12: the DDPG-only scheduling keys moved from train: and checkpoint: to ddpg:.
        const string yaml = "name: x\ntrain:\n  max_updates: 10\n  updates_per_env_step: 0.5\ncheckpoint:\n  replay_buffer: true\n";
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load(yaml))!;
        Assert.That(e.Errors.Select(x => (x.Key, x.Source!.Line)), Is.EqualTo(new[] { ("train.updates_per_env_step", 4), ("checkpoint.replay_buffer", 6) }));
        Assert.That(e.Errors[0].ToString(), Does.EndWith(
            ":4:3: 'train.updates_per_env_step': has moved: it is now ddpg.updates_per_env_step (issue 12: off-policy settings live under the algorithm's section)."));
        Assert.That(e.Errors[1].Message, Does.Contain("it is now ddpg.checkpoint_replay_buffer"));

        var set = Assert.Throws<ConfigException>(() => TestRuns.Load("name: x\n", "train.mode=sync"))!;
        Assert.That(set.Message, Is.EqualTo("--set train.mode=sync: 'train.mode': has moved: it is now ddpg.mode (issue 12: off-policy settings live under the algorithm's section)."));
        Assert.That(TestRuns.Load("name: x\n", "ddpg.mode=sync", "ddpg.checkpoint_replay_buffer=true").Ddpg,
            Has.Property("Mode").EqualTo(RL.Algorithms.Ddpg.CollectionMode.Sync).And.Property("CheckpointReplayBuffer").True);
    }

    [Test]
    public void ARunWrittenBeforeTheMoveStillLoads()
    {
        // A run directory's config.yaml and resumes.yaml are rl's own files: the old keys in them are moved, not refused.
        var root = YamlConfigReader.Parse("name: x\ntrain:\n  mode: sync\n  actor_sync_steps: 7\ncheckpoint:\n  replay_buffer: true\nddpg:\n  tau: 0.01\n", "config.yaml");
        Assert.That(ConfigMoves.Relocate(root, typeof(RunConfig)), Is.EquivalentTo(new[] { "train.mode", "train.actor_sync_steps", "checkpoint.replay_buffer" }));
        var config = ConfigBinder.Bind(root, new RunConfig());
        Assert.That((config.Ddpg.Mode, config.Ddpg.ActorSyncSteps, config.Ddpg.CheckpointReplayBuffer, config.Ddpg.Tau),
            Is.EqualTo((RL.Algorithms.Ddpg.CollectionMode.Sync, 7, true, 0.01)));
        Assert.That(ConfigMoves.Relocate("checkpoint.replay_buffer=true", typeof(RunConfig)), Is.EqualTo("ddpg.checkpoint_replay_buffer=true"));
        Assert.That(ConfigMoves.Relocate("train.max_hours=3", typeof(RunConfig)), Is.EqualTo("train.max_hours=3"));
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
