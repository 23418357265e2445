using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Core;
using RL.Core.Config;
using RL.Core.Logging;

namespace RL.Algorithms.Tests;

/// <summary>
/// `--resume --set` is checked against what the checkpoint holds before anything is written, and kept as a record
/// in resumes.yaml instead of rewriting config.yaml (issue 10, part 3).
/// </summary>
public class ResumeConfigTests
{
    private string _runs = "";

    [SetUp]
    public void MakeRuns() => _runs = TestRuns.TempRunsDir();

    [TearDown]
    public void RemoveRuns() => Directory.Delete(_runs, recursive: true);

    /// <summary>A finished tiny run (a checkpoint to resume from) and its directory.</summary>
    private string FinishedRun(string name = "r")
    {
        var config = TestRuns.Load(TestRuns.TinyYaml(_runs, name), "train.max_updates=40", "checkpoint.every_updates=20", "evaluation.every_env_steps=0",
            "evaluation.at_end=false", "ddpg.checkpoint_replay_buffer=false");
        var (outcome, dir) = TestRuns.Train(config);
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Ok), outcome.Reason);
        return dir;
    }

    private static string WriteRunConfig(string runs)
    {
        string dir = Path.Combine(runs, "hand");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.yaml"), TestRuns.TinyYaml(runs, "hand"));
        return dir;
    }

    [TestCase("ddpg.actor.hidden=[32]", "ddpg.actor.hidden", "architecture")]
    [TestCase("observation.normalize=false", "observation.normalize", "normaliser")]
    [TestCase("env.id=Pendulum", "env.id", "observation and action spaces")]
    [TestCase("env.options.frame_skip=4", "env.options.frame_skip", "env spec")]
    [TestCase("algorithm=ddpg", "algorithm", "algorithm")]
    [TestCase("seed=3", "seed", "random stream")]
    [TestCase("ddpg.tau=0.5", "ddpg.tau", "DDPG setting")]
    public void AnOverrideThatChangesWhatTheCheckpointHoldsIsRefusedNamingTheKeyAndWhy(string assignment, string key, string why)
    {
        string dir = WriteRunConfig(_runs);
        var e = Assert.Throws<ConfigException>(() => RunConfigLoader.LoadRun(dir, new[] { "train.max_hours=2", assignment }))!;
        var error = e.Errors.Single();
        Assert.That(error.Key, Is.EqualTo(key));
        Assert.That(error.Source!.File, Is.EqualTo($"--set {assignment}"));
        Assert.That(error.Message, Does.Contain("cannot change when resuming").And.Contain(why).And.Contain("train.max_hours"));
    }

    [Test]
    public void BudgetAndScheduleOverridesApplyAndATypoStillGetsTheNearestKey()
    {
        string dir = WriteRunConfig(_runs);
        var config = RunConfigLoader.LoadRun(dir, new[] { "train.max_hours=2", "evaluation.episodes=7", "checkpoint.every_updates=5", "device=cpu", "env.backend=in_process" });
        Assert.That((config.Train.MaxHours, config.Evaluation.Episodes, config.Checkpoint.EveryUpdates), Is.EqualTo((2.0, 7, 5L)));
        var typo = Assert.Throws<ConfigException>(() => RunConfigLoader.LoadRun(dir, new[] { "train.max_hour=2" }))!;
        Assert.That(typo.Message, Does.Contain("did you mean 'train.max_hours'"));
    }

    [Test]
    public void ResumingRecordsTheOverridesLeavesConfigYamlAloneAndLaterResumesKeepBudgetsOnly()
    {
        string dir = FinishedRun();
        string configPath = Path.Combine(dir, "config.yaml");
        byte[] original = File.ReadAllBytes(configPath);

        string[] overrides = { "train.max_updates=60", "torch_threads=2" };
        var config = RunConfigLoader.LoadRun(dir, overrides);
        Assert.That(config.Train.MaxUpdates, Is.EqualTo(60));
        using (var session = TrainingSession.Open(config, TestRuns.Providers(), new SessionOptions
        {
            ResumeDirectory = dir,
            ResumeOverrides = overrides,
            AlgorithmColumns = Ddpg.Ddpg.ProgressColumns,
        }))
        {
            Assert.That(DdpgTrainer.Train(session).ExitCode, Is.EqualTo(ExitCodes.Ok));
        }

        Assert.That(File.ReadAllBytes(configPath), Is.EqualTo(original), "config.yaml keeps the config the run started with");
        var record = ResumeLog.Read(Path.Combine(dir, ResumeLog.FileName)).Single();
        Assert.That(record.Number, Is.EqualTo(1));
        Assert.That(record.Overrides.Select(o => o.Assignment), Is.EqualTo(overrides));
        Assert.That(record.Checkpoint, Does.StartWith("step_"));
        Assert.That(record.Pid, Is.EqualTo(Environment.ProcessId));

        // A later plain resume keeps the extended budget (it is part of the run's plan), not where that process ran.
        var later = RunConfigLoader.LoadRun(dir, Array.Empty<string>());
        Assert.That(later.Train.MaxUpdates, Is.EqualTo(60));
        Assert.That(later.TorchThreads, Is.EqualTo(1));
    }

    [Test]
    public void AHandEditedResumeRecordThatChangesTheNetworkIsRefusedWithItsLine()
    {
        string dir = WriteRunConfig(_runs);
        File.WriteAllText(Path.Combine(dir, ResumeLog.FileName), "resumes:\n  - resume: 1\n    overrides:\n      - \"ddpg.critic.hidden=[8]\"\n");
        var e = Assert.Throws<ConfigException>(() => RunConfigLoader.LoadRun(dir, Array.Empty<string>()))!;
        Assert.That(e.Errors.Single().Key, Is.EqualTo("ddpg.critic.hidden"));
        Assert.That(e.Errors.Single().Source!.ToString(), Does.EndWith("resumes.yaml:4:9"));
    }

    [Test]
    public void ASecondSessionOnARunThatIsBeingTrainedIsRefusedBeforeItStartsAnything()
    {
        string dir = FinishedRun();
        var config = RunConfigLoader.LoadRun(dir, Array.Empty<string>());
        var options = new SessionOptions { ResumeDirectory = dir, AlgorithmColumns = Ddpg.Ddpg.ProgressColumns };
        using (TrainingSession.Open(config, TestRuns.Providers(), options))
        {
            var e = Assert.Throws<RunLockedException>(() => TrainingSession.Open(config, TestRuns.Providers(), options))!;
            Assert.That(e.Message, Does.Contain($"pid {Environment.ProcessId}"));
            Assert.That(ResumeLog.Read(Path.Combine(dir, ResumeLog.FileName)), Has.Count.EqualTo(1), "the refused session recorded nothing");
        }
        using (TrainingSession.Open(config, TestRuns.Providers(), options))
        {
            // Released on Dispose: the next resume opens.
        }
    }
}
