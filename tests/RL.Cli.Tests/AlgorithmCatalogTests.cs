using RL.Algorithms;
using RL.Algorithms.Training;

namespace RL.Cli.Tests;

/// <summary>`rl train` and `rl eval` dispatch once on `algorithm:` through the catalogue (issue 12's seam).</summary>
public class AlgorithmCatalogTests
{
    [Test]
    public void DdpgIsTheOnlyBuiltAlgorithm()
    {
        Assert.That(AlgorithmCatalog.Available, Is.EquivalentTo(new[] { AlgorithmKind.Ddpg }));
        var ddpg = AlgorithmCatalog.For(AlgorithmKind.Ddpg);
        Assert.That(ddpg.Kind, Is.EqualTo(AlgorithmKind.Ddpg));
        Assert.That(ddpg.PolicyFiles, Does.Contain("actor.pt"));
        Assert.That(ddpg.ProgressColumns.Select(c => c.Name), Does.Contain("losses/critic_loss"));
    }

    [TestCase("ppo")]
    [TestCase("trpo")]
    public void AnAlgorithmThatIsNotBuiltIsAConfigErrorNamingTheBuiltOnes(string name)
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "train", "--set", $"algorithm={name}", "--dry-run");
        Assert.That(code, Is.EqualTo(2), stdout + stderr);
        Assert.That(stderr, Does.Contain($"{name} is not built yet; available: ddpg."));
        PendulumRuns.AssertNoStackTrace(stderr);
        Directory.Delete(dir, recursive: true);
    }
}
