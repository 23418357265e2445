using RL.Envs.Vector;
using RL.Testing;

namespace RL.Envs.Tests;

public class SyncVectorEnvTests
{
    [Test]
    public void AutoresetKeepsFinalObservationAndStartsANewEpisode()
    {
        var envs = new[] { new CountingEnv(maxSteps: 2), new CountingEnv(maxSteps: 3) };
        using var vec = new SyncVectorEnv(envs);
        var obs = new float[6];
        vec.Reset(new long[] { 10, 20 }, obs);
        var result = new VectorStepResult(2, 3);
        var actions = new float[4];

        vec.Step(actions, result);
        Assert.That(result.Done(0) || result.Done(1), Is.False);
        vec.Step(actions, result);
        Assert.That(result.Truncated[0], Is.True);
        Assert.That(result.Terminated[0], Is.False);
        Assert.That(result.Reasons[0], Is.EqualTo(EndReason.TimeLimit));
        Assert.That(result.FinalObservation(0).ToArray(), Is.EqualTo(new float[] { 0, 2, 10 }), "final obs is the last of episode 0");
        Assert.That(result.Observation(0).ToArray(), Is.EqualTo(new float[] { 1, 0, 11 }), "obs row is the first of episode 1; the stream continues");
        Assert.That(result.Done(1), Is.False);
        var episode = result.Episodes.Single();
        Assert.That((episode.EnvIndex, episode.Length, episode.Return, episode.Seed), Is.EqualTo((0, 2, 3.0, (long?)10)));
        Assert.That(episode.Terms, Is.EqualTo(new double[] { 1, 2 }));

        vec.Step(actions, result);
        Assert.That(result.Done(1), Is.True);
        Assert.That(result.Episodes.Single().EnvIndex, Is.EqualTo(1));
    }

    [Test]
    public void NonFiniteObservationEndsTheEpisodeAndDropsTheTransition()
    {
        var bad = new CountingEnv(maxSteps: 10) { ObservationOverride = t => t == 2 ? float.NaN : 0 };
        using var vec = new SyncVectorEnv(new[] { bad });
        var obs = new float[3];
        vec.Reset(new long[] { 1 }, obs);
        var result = new VectorStepResult(1, 3);
        vec.Step(new float[2], result);
        Assert.That(result.Dropped[0], Is.False);
        vec.Step(new float[2], result);
        Assert.That(result.Dropped[0], Is.True);
        Assert.That(result.Reasons[0], Is.EqualTo(EndReason.NonFiniteObservation));
        Assert.That(result.Terminated[0], Is.False, "a simulator fault is not a terminal state of the task");
        Assert.That(float.IsFinite(result.Observations[2]), Is.True, "the env was reset");
    }

    [Test]
    public void ParallelSteppingGivesTheSameResults()
    {
        float[] Run(bool parallel)
        {
            var envs = Enumerable.Range(0, 8).Select(i => (Envs.IEnv)new CountingEnv(maxSteps: 3 + i)).ToArray();
            using var vec = new SyncVectorEnv(envs, parallel);
            var obs = new float[24];
            vec.Reset(Enumerable.Range(0, 8).Select(i => (long)i).ToArray(), obs);
            var result = new VectorStepResult(8, 3);
            var trace = new List<float>();
            for (int s = 0; s < 20; s++)
            {
                vec.Step(new float[16], result);
                trace.AddRange(result.Observations);
                trace.AddRange(result.Rewards);
            }
            return trace.ToArray();
        }
        Assert.That(Run(true), Is.EqualTo(Run(false)));
    }

    [Test]
    public void WrongActionCountIsAnErrorThatSaysSo()
    {
        using var vec = new SyncVectorEnv(new[] { new CountingEnv(), new CountingEnv() });
        vec.Reset(ReadOnlySpan<long>.Empty, new float[6]);
        var e = Assert.Throws<ArgumentException>(() => vec.Step(new float[3], new VectorStepResult(2, 3)));
        Assert.That(e!.Message, Does.Contain("3 action values").And.Contain("2 envs"));
    }

    [Test]
    public void NaNActionNamesTheElement()
    {
        using var vec = new SyncVectorEnv(new[] { new CountingEnv() });
        vec.Reset(ReadOnlySpan<long>.Empty, new float[3]);
        var e = Assert.Throws<ArgumentException>(() => vec.Step(new[] { 0f, float.NaN }, new VectorStepResult(1, 3)));
        Assert.That(e!.Message, Does.Contain("action[1]").And.Contain("NaN"));
    }
}
