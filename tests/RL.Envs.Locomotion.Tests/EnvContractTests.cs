namespace RL.Envs.Locomotion.Tests;

/// <summary>The framework's env contract (EnvChecker, as `rl env check` runs it), spec layout and disposal.</summary>
public class EnvContractTests
{
    [TestCaseSource(typeof(Envs), nameof(Envs.Ids))]
    public void EnvCheckerPasses(string id)
    {
        var results = EnvChecker.Check(() => Envs.Registry.Create(id), seed: 5, steps: 300);
        foreach (var r in results) TestContext.Out.WriteLine($"{(r.Passed ? "ok  " : "FAIL")} {r.Check}: {r.Detail}");
        Assert.That(results.Where(r => !r.Passed).Select(r => r.Check), Is.Empty);
    }

    [TestCase(HopperEnv.Id, 11, 3, new[] { "forward", "healthy", "ctrl" })]
    [TestCase(Walker2dEnv.Id, 17, 6, new[] { "forward", "healthy", "ctrl" })]
    [TestCase(HalfCheetahEnv.Id, 17, 6, new[] { "forward", "ctrl" })]
    public void SpecSizesAndTermNames(string id, int observations, int actions, string[] terms)
    {
        using var env = Envs.Create(id);
        Assert.That(env.Spec.ObservationSize, Is.EqualTo(observations));
        Assert.That(env.Spec.ActionSize, Is.EqualTo(actions));
        Assert.That(env.Spec.RewardTermNames, Is.EqualTo(terms));
        Assert.That(env.Spec.ActionSpace.Low, Is.All.EqualTo(-1f));
        Assert.That(env.Spec.ActionSpace.High, Is.All.EqualTo(1f));
        Assert.That(env.Spec.ObservationNames[0], Is.EqualTo("rootz_pos"), "x is excluded from the observation");
    }

    [Test]
    public void UnknownOptionsAreRejected()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Envs.Registry.Create(HopperEnv.Id, new Dictionary<string, string> { ["frame_skp"] = "2" }))!.Message,
            Does.Contain("frame_skp"));
    }

    [Test]
    public void ADisposedEnvRefusesToStep()
    {
        var env = Envs.Create(HopperEnv.Id);
        var obs = new float[11];
        env.Reset(0, obs);
        env.Dispose();
        Assert.Throws<ObjectDisposedException>(() => env.Step(new float[3], obs));
        Assert.Throws<ObjectDisposedException>(() => env.Reset(0, obs));
    }
}
