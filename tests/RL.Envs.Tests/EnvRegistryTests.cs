using RL.Envs.Classic;
using RL.Envs.Wrappers;

namespace RL.Envs.Tests;

public class EnvRegistryTests
{
    private static EnvRegistry Registry() => new EnvRegistry()
        .Register("Pendulum", o => { o.GetDouble("gravity", 10, 0, 100); return new Pendulum(); }, "swing-up");

    [Test]
    public void TypoInAnOptionIsAnErrorNamingItAndTheNearestKey()
    {
        var e = Assert.Throws<ArgumentException>(() => Registry().Create("Pendulum", new Dictionary<string, string> { ["gravty"] = "9" }, "cfg.yaml: env"));
        Assert.That(e!.Message, Does.Contain("cfg.yaml: env").And.Contain("'gravty'").And.Contain("did you mean 'gravity'"));
    }

    [Test]
    public void UnknownEnvListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Registry().Create("Pendulm"));
        Assert.That(e!.Message, Does.Contain("did you mean 'Pendulum'"));
    }

    [Test]
    public void OutOfRangeAndWrongTypeAreErrors()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Registry().Create("Pendulum", new Dictionary<string, string> { ["gravity"] = "-1" }))!.Message,
            Does.Contain("outside"));
        Assert.That(Assert.Throws<ArgumentException>(() => Registry().Create("Pendulum", new Dictionary<string, string> { ["frame_skip"] = "two" }))!.Message,
            Does.Contain("not an integer"));
    }

    [Test]
    public void FrameSkipIsAppliedAroundTheEnv()
    {
        var env = Registry().Create("Pendulum", new Dictionary<string, string> { ["frame_skip"] = "4" });
        Assert.That(env, Is.TypeOf<FrameSkip>());
        Assert.That(env.Spec.MaxEpisodeSteps, Is.EqualTo(50));
        Assert.That(env.Spec.Options["frame_skip"], Is.EqualTo("4"));
    }
}
