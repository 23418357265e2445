using RL.Algorithms.Training;
using RL.Envs;
using RL.Envs.Vector;
using RL.Testing;

namespace RL.Algorithms.Tests;

/// <summary>The runner's episode bookkeeping (issue 12): what <see cref="EnvGroupRunner.EndedEpisodes"/> names after each call.</summary>
public class EnvGroupRunnerTests
{
    /// <summary>Two counting envs (4 steps an episode) whose summaries carry no seed, and whose worker is lost at chosen steps.</summary>
    private sealed class Group : IVectorEnv
    {
        private readonly SyncVectorEnv _inner = new(new IEnv[] { new CountingEnv(maxSteps: 4), new CountingEnv(maxSteps: 4) });
        private int _steps;

        public int[] LoseAt { get; init; } = Array.Empty<int>();
        public EnvSpec Spec => _inner.Spec;
        public int NumEnvs => _inner.NumEnvs;
        public long? EpisodeSeed(int env) => _inner.EpisodeSeed(env);
        public void Reset(ReadOnlySpan<long> seeds, Span<float> observations) => _inner.Reset(seeds, observations);

        public void Step(ReadOnlySpan<float> actions, VectorStepResult result)
        {
            if (LoseAt.Contains(++_steps)) throw new EnvWorkerLostException("test-worker", "killed", timedOut: false);
            _inner.Step(actions, result);
            for (int k = 0; k < result.Episodes.Count; k++) result.Episodes[k] = result.Episodes[k] with { Seed = null };
        }

        public void Dispose() => _inner.Dispose();
    }

    private static EnvGroupRunner Start(Group group)
    {
        var runner = new EnvGroupRunner(0, group, 0, new RunCounters());
        runner.Reset(new long[] { 11, 12 });
        return runner;
    }

    private static readonly float[] Actions = new float[4];

    [Test]
    public void EndedEpisodesAreTheEnvsSummariesWithTheSeedOfTheirStart()
    {
        using var group = new Group();
        var runner = Start(group);
        for (int t = 1; t <= 3; t++)
        {
            Assert.That(runner.Step(Actions), Is.True);
            Assert.That(runner.EndedEpisodes, Is.Empty, $"step {t}: no episode ended");
        }
        Assert.That(runner.Step(Actions), Is.True);
        Assert.That(runner.EndedEpisodes.Select(e => (e.EnvIndex, e.Length, e.Return, e.Reason, e.Seed)),
            Is.EqualTo(new[] { (0, 4, 10.0, EndReason.TimeLimit, (long?)11), (1, 4, 10.0, EndReason.TimeLimit, (long?)12) }));
        Assert.That(runner.EndedEpisodes[0].Terms, Is.EqualTo(new[] { 6.0, 4.0 }), "the env's own summary, reward terms included");
        runner.Step(Actions);
        Assert.That(runner.EndedEpisodes, Is.Empty, "cleared by the next step");
    }

    [Test]
    public void ALostWorkerEndsEveryEnvsEpisodeFromTheRunnersSums()
    {
        using var group = new Group { LoseAt = new[] { 3 } };
        var runner = Start(group);
        runner.Step(Actions);
        runner.Step(Actions);
        Assert.That(runner.Step(Actions), Is.False);
        Assert.That(runner.EndedEpisodes.Select(e => (e.EnvIndex, e.Length, e.Score, e.Return, e.Reason, e.Seed)),
            Is.EqualTo(new[] { (0, 2, 3.0, 3.0, EndReason.ServerLost, (long?)11), (1, 2, 3.0, 3.0, EndReason.ServerLost, (long?)12) }));
        runner.Step(Actions);
        Assert.That(runner.EndedEpisodes, Is.Empty);
    }

    [Test]
    public void TheSumsOfEpisodesInProgressSurviveACheckpoint()
    {
        using var group = new Group();
        var runner = Start(group);
        runner.Step(Actions);
        runner.Step(Actions);
        var bytes = new MemoryStream();
        using (var w = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
            for (int i = 0; i < runner.NumEnvs; i++) runner.WriteEpisode(w, i);

        using var lost = new Group { LoseAt = new[] { 1 } };
        var resumed = new EnvGroupRunner(0, lost, 0, new RunCounters());
        resumed.Reset(new long[] { 5, 6 });
        bytes.Position = 0;
        using (var r = new BinaryReader(bytes))
            for (int i = 0; i < resumed.NumEnvs; i++) resumed.ReadEpisode(r, i);
        Assert.That(resumed.Step(Actions), Is.False);
        Assert.That(resumed.EndedEpisodes.Select(e => (e.Length, e.Return, e.Seed)), Is.EqualTo(new[] { (2, 3.0, (long?)11), (2, 3.0, (long?)12) }));
    }
}
