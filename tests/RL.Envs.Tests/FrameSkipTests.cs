using RL.Envs.Wrappers;
using RL.Testing;

namespace RL.Envs.Tests;

/// <summary>Action repeat as Gymnasium tests it (tests/wrappers/test_action_repeat.py).</summary>
public class FrameSkipTests
{
    [Test]
    public void RepeatsExactlyKTimesAndSumsRewards()
    {
        var inner = new CountingEnv(maxSteps: 100);
        var env = new FrameSkip(inner, 4);
        var obs = new float[3];
        env.Reset(1, obs);
        var outcome = env.Step(new float[] { 0.5f, 0.5f }, obs);
        Assert.That(inner.StepCalls, Is.EqualTo(4));
        Assert.That(outcome.Reward, Is.EqualTo(1 + 2 + 3 + 4));
        Assert.That(outcome.ScoreReward, Is.EqualTo(10));
        Assert.That(env.RewardTerms.ToArray(), Is.EqualTo(new double[] { 0 + 1 + 2 + 3, 4 }));
        Assert.That(obs[1], Is.EqualTo(4));
    }

    [Test]
    public void SameAsManualStepping()
    {
        var manual = new CountingEnv(maxSteps: 100) { RewardOf = t => Math.Sin(t) };
        var skipped = new FrameSkip(new CountingEnv(maxSteps: 100) { RewardOf = t => Math.Sin(t) }, 3);
        float[] o1 = new float[3], o2 = new float[3], a = { 0.1f, 0.2f };
        manual.Reset(5, o1);
        skipped.Reset(5, o2);
        for (int d = 0; d < 5; d++)
        {
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += manual.Step(a, o1).Reward;
            Assert.That(skipped.Step(a, o2).Reward, Is.EqualTo(sum).Within(1e-12));
            Assert.That(o2, Is.EqualTo(o1));
        }
    }

    [Test]
    public void StopsEarlyWhenTheEpisodeEnds()
    {
        var inner = new CountingEnv(maxSteps: 100, terminateAt: 6);
        var env = new FrameSkip(inner, 4);
        var obs = new float[3];
        env.Reset(0, obs);
        Assert.That(env.Step(new float[2], obs).Done, Is.False);
        var last = env.Step(new float[2], obs);
        Assert.That(inner.StepCalls, Is.EqualTo(6), "must not step past the terminal frame");
        Assert.That(last.Terminated, Is.True);
        Assert.That(last.Reward, Is.EqualTo(5 + 6));
    }

    [Test]
    public void TimeLimitCountsInnerFrames()
    {
        var env = new FrameSkip(new CountingEnv(maxSteps: 10), 4);
        Assert.That(env.Spec.MaxEpisodeSteps, Is.EqualTo(3));
        var obs = new float[3];
        env.Reset(0, obs);
        env.Step(new float[2], obs);
        env.Step(new float[2], obs);
        var last = env.Step(new float[2], obs);
        Assert.That(last.Truncated && !last.Terminated, Is.True);
        Assert.That(last.Reason, Is.EqualTo(EndReason.TimeLimit));
    }

    [Test]
    public void KBelowOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameSkip(new CountingEnv(), 0));
}
