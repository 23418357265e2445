using RL.Envs.Spaces;
using RL.Envs.Wrappers;

namespace RL.Envs.Tests;

public class RewardShapingTests
{
    /// <summary>An env with the L2R observation names the shaping needs, whose observations the test scripts.</summary>
    private sealed class ScriptedRunner : IEnv
    {
        private static readonly string[] Names = { "pelvis_x", "pelvis_vx", "head_x", "knee_r", "knee_l", "other" };
        private int _t;

        public Func<int, float[]> ObservationAt { get; init; } = _ => new float[6];
        public Func<int, double> ScoreAt { get; init; } = _ => 0;

        public EnvSpec Spec { get; } = new()
        {
            Id = "Scripted", ObservationSpace = Box.Unbounded(6), ActionSpace = Box.Uniform(1, 0, 1), ObservationNames = Names,
            ActionNames = new[] { "a" }, MaxEpisodeSteps = 100,
        };

        public void Reset(long? seed, Span<float> observation)
        {
            _t = 0;
            ObservationAt(0).CopyTo(observation);
        }

        public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            _t++;
            ObservationAt(_t).CopyTo(observation);
            double score = ScoreAt(_t);
            return new StepOutcome(score, score, false, false, EndReason.None);
        }

        public void Dispose() { }
    }

    // pelvis_x, pelvis_vx, head_x, knee_r, knee_l
    private static float[] Obs(float pelvisX, float vx, float headX, float kneeR, float kneeL) => new[] { pelvisX, vx, headX, kneeR, kneeL, 0f };

    [Test]
    public void AcePenalisesLeaningBackAndStraightKneesPerFrame()
    {
        var env = new RewardShaping(new ScriptedRunner { ObservationAt = t => Obs(1f, 0, 0.5f, 0.3f, -0.2f), ScoreAt = _ => 0.01 }, ShapingMode.Ace);
        var obs = new float[6];
        env.Reset(1, obs);
        var outcome = env.Step(new[] { 0f }, obs);
        double lean = 0.05 * Math.Min(0.3, Math.Max(0, 1 - 0.5 - 0.15));
        double knees = 0.03 * (Math.Max(0, 0.3 - 0.1) + Math.Max(0, -0.2 - 0.1));
        Assert.That(outcome.Reward, Is.EqualTo(0.01 - lean - knees).Within(1e-7));
        Assert.That(outcome.ScoreReward, Is.EqualTo(0.01), "the 2017 score is untouched");
        Assert.That(env.Spec.RewardTermNames, Is.EqualTo(new[] { "ace_lean", "ace_knees" }));
        Assert.That(env.RewardTerms.ToArray(), Is.EqualTo(new[] { -lean, -knees }).Within(1e-7));
    }

    [Test]
    public void StelmaszczykRewardsVelocityAndSurvivalAndRecoversTheLigamentTerm()
    {
        // Pelvis moves 0.02 m per frame; the 2017 score is Δx − 1e-7·‖F‖ with a ligament penalty of 3e-5.
        var env = new RewardShaping(new ScriptedRunner
        {
            ObservationAt = t => Obs(0.02f * t, 2f, 0.02f * t - 0.1f, 0.05f, 0.4f),
            ScoreAt = _ => 0.02 - 3e-5,
        }, ShapingMode.Stelmaszczyk);
        var obs = new float[6];
        env.Reset(1, obs);
        env.Step(new[] { 0f }, obs);
        var outcome = env.Step(new[] { 0f }, obs);
        var terms = env.RewardTerms.ToArray();
        Assert.That(terms[0], Is.EqualTo(0.01 * 2).Within(1e-9), "velocity");
        Assert.That(terms[1], Is.EqualTo(0.01), "alive bonus");
        Assert.That(terms[2], Is.EqualTo(0.1 * -0.1).Within(1e-7), "head behind the pelvis");
        Assert.That(terms[3], Is.EqualTo(-0.02 * 0.3).Within(1e-7), "knees");
        Assert.That(terms[4], Is.EqualTo(-3e-5).Within(1e-7), "ligaments");
        Assert.That(outcome.Reward, Is.EqualTo(terms.Sum()).Within(1e-12));
    }

    [Test]
    public void TheRegistryStageShapesBelowFrameSkipAndNamesMissingObservations()
    {
        int frames = 0;
        var registry = new EnvRegistry()
            .Register("Scripted", _ => new ScriptedRunner { ObservationAt = t => { frames = t; return Obs(1f, 0, 0.5f, 0.3f, 0f); }, ScoreAt = _ => 1 }, "scripted")
            .Register("Pendulum", _ => new Classic.Pendulum(), "pendulum");
        RewardShaping.Register(registry);
        using var env = registry.Create("Scripted", new Dictionary<string, string> { ["shaping"] = "ace", ["frame_skip"] = "4" });
        var obs = new float[6];
        env.Reset(1, obs);
        var outcome = env.Step(new[] { 0f }, obs);
        Assert.That(frames, Is.EqualTo(4));
        double perFrame = 1 - 0.05 * 0.3 - 0.03 * 0.2;
        Assert.That(outcome.Reward, Is.EqualTo(4 * perFrame).Within(1e-6), "each of the 4 frames is shaped, then summed");
        Assert.That(outcome.ScoreReward, Is.EqualTo(4));
        Assert.That(env.RewardTerms.ToArray(), Is.EqualTo(new[] { -4 * 0.05 * 0.3, -4 * 0.03 * 0.2 }).Within(1e-6), "terms are summed over the skipped frames");
        Assert.That(() => registry.Create("Pendulum", new Dictionary<string, string> { ["shaping"] = "ace" }),
            Throws.ArgumentException.With.Message.Contains("no observation named 'pelvis_x'"));
        Assert.That(() => registry.Create("Pendulum", new Dictionary<string, string> { ["shaping"] = "acee" }),
            Throws.ArgumentException.With.Message.Contains("'acee' is not one of: none, ace, stelmaszczyk"));
        using var plain = registry.Create("Pendulum", new Dictionary<string, string> { ["shaping"] = "none" });
        Assert.That(plain, Is.TypeOf<Classic.Pendulum>());
    }
}
