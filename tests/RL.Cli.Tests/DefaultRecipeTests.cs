using RL.Algorithms;
using RL.Algorithms.Training;
using RL.Cli.Commands;
using RL.Core.Config;

namespace RL.Cli.Tests;

/// <summary>
/// `rl train` without a config trains Reason8's 2-core recipe sized for the machine and says what it picked on its first
/// line (issue 11). The machine is injected, so the 16-core choice is pinned on a 2-core test machine.
/// </summary>
public class DefaultRecipeTests
{
    private const long Gb = 1_000_000_000;

    private static (RunConfig Config, DefaultRecipeChoice Choice) Default(int cores, long memory, params string[] userOverrides)
    {
        var choice = DefaultRecipe.For(new MachineFacts(cores, memory));
        return (RunConfigLoader.Load(null, userOverrides, choice.Root), choice);
    }

    [Test]
    public void TwoCoresGetThe2CoreRecipeWithOneSamplerAndABudgetInDecisions()
    {
        var (config, choice) = Default(2, 24 * Gb);
        Assert.Multiple(() =>
        {
            Assert.That(config.Name, Is.EqualTo("ddpg-l2r-default"));
            Assert.That(config.Env.Groups, Is.EqualTo(1));
            Assert.That(config.TorchThreads, Is.EqualTo(1));
            // What makes it the 2-core recipe rather than the full one (batch 1000, 1 update per decision, 10 obstacles).
            Assert.That(config.Ddpg.BatchSize, Is.EqualTo(256));
            Assert.That(config.Ddpg.UpdatesPerEnvStep, Is.EqualTo(0.25));
            Assert.That(config.Env.Options["max_obstacles"], Is.EqualTo("3"));
            Assert.That(config.Ddpg.BufferSize, Is.EqualTo(5_000_000), "24 GB holds Reason8's full replay");
            Assert.That(config.Train.MaxEnvSteps, Is.EqualTo(1_200_000));
            Assert.That(config.Train.MaxHours, Is.EqualTo(0), "a budget in decisions does not shrink on a loaded machine");
            Assert.That(config.Evaluation.EveryEnvSteps, Is.EqualTo(150_000));
            Assert.That(config.Evaluation.EveryMinutes, Is.EqualTo(0));
        });
        Assert.That(choice.Explanation[0], Does.StartWith("built-in default for this machine (2 cores, 24.0 GB)")
            .And.Contain("1 sampler + its env server, learner on 1 thread").And.Contain("for 1.2 M decisions").And.Contain("min on an idle 2-core machine"));
        Assert.That(choice.Explanation[1], Does.Contain("rl train experiments/configs/ddpg-l2r-reason8.yaml"));
    }

    [Test]
    public void SixteenCoresGetSixSamplersAndAFourThreadLearner()
    {
        var (config, choice) = Default(16, 64 * Gb);
        Assert.That(config.Env.Groups, Is.EqualTo(6));
        Assert.That(config.TorchThreads, Is.EqualTo(4));
        Assert.That(config.Ddpg.UpdatesPerEnvStep, Is.EqualTo(0.25), "the learning per decision stays the measured recipe's");
        Assert.That(choice.Explanation[0], Does.Contain("(16 cores, 64.0 GB)").And.Contain("6 samplers + their env servers, learner on 4 threads"));
    }

    [Test]
    public void TheReplayBufferFitsAQuarterOfTheMemory()
    {
        var (config, choice) = Default(2, 4 * Gb);
        long expected = (long)(4 * Gb * DefaultRecipe.BufferMemoryFraction / DefaultRecipe.BytesPerTransition);
        Assert.That(config.Ddpg.BufferSize, Is.EqualTo(expected).And.LessThan(5_000_000));
        Assert.That(choice.Explanation[0], Does.Contain($"replay up to {expected / 1e6:0.##} M transitions = 1.0 GB"));
    }

    [Test]
    public void TooLittleMemoryIsAConfigErrorNamingTheKey()
    {
        var e = Assert.Throws<ConfigException>(() => DefaultRecipe.For(new MachineFacts(2, 100_000_000)))!;
        Assert.That(e.Message, Does.Contain("ddpg.buffer_size").And.Contain("0.1 GB available"));
    }

    [Test]
    public void TheUsersSetOverridesWhatTheDefaultPicked()
    {
        var (config, _) = Default(2, 24 * Gb, "env.groups=2", "train.max_env_steps=5000");
        Assert.That(config.Env.Groups, Is.EqualTo(2));
        Assert.That(config.Train.MaxEnvSteps, Is.EqualTo(5000));
    }

    [Test]
    public void DryRunSaysWhatItPickedInAYamlComment()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "train", "--dry-run");
        Assert.That(code, Is.EqualTo(0), stderr);
        string[] lines = stdout.Split('\n');
        Assert.That(lines[0], Does.StartWith($"# built-in default for this machine ({Environment.ProcessorCount} cores"));
        Assert.That(lines[1], Does.StartWith("# the full 2017 recipe is one config away"));
        Assert.That(stdout, Does.Contain("name: ddpg-l2r-default").And.Contain("max_env_steps: 1200000"));
        Directory.Delete(dir, recursive: true);
    }
}
