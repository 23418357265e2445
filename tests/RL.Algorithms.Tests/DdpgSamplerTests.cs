using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Core.Buffers;
using RL.Core.Environments;
using RL.Envs;
using RL.Envs.Vector;
using RL.Testing;

namespace RL.Algorithms.Tests;

/// <summary>What the sampler stores: termination vs truncation, the fall penalty, the reward scale, worker loss.</summary>
public class DdpgSamplerTests
{
    private sealed class Fixture : IDisposable
    {
        public Fixture(IEnvGroupProvider provider, string envId, string extra = "")
        {
            Runs = TestRuns.TempRunsDir();
            var yaml = TestRuns.TinyYaml(Runs, "sampler") + extra;
            Config = TestRuns.Load(yaml, $"env.id={envId}", "env.backend=" + provider.Name, "env.groups=1", "env.envs_per_group=2",
                "observation.normalize=false", "reward.scale=10", "reward.fall_penalty=-0.5", "ddpg.flip_prob=0",
                "ddpg.exploration.param_noise=none", "ddpg.exploration.param_noise_prob=0");
            Session = TrainingSession.Open(Config, new EnvProviderCatalog().Register(provider), new SessionOptions { AlgorithmColumns = Ddpg.Ddpg.ProgressColumns });
            var spec = Session.Spec;
            Learner = new Ddpg.Ddpg(Config.Ddpg, Session.Observations.Size, spec.ActionSpace, null, Session.Observations, Session.Device, Session.SeedFor);
            Replay = new ReplayBuffer(1000, Session.Observations.Size, spec.ActionSize);
            Session.StartEnvs();
            Sampler = new DdpgSampler(Session.Runners[0], Session, Config.Ddpg, Learner);
            Sampler.Start(0);
        }

        public string Runs { get; }
        public RunConfig Config { get; }
        public TrainingSession Session { get; }
        public Ddpg.Ddpg Learner { get; }
        public ReplayBuffer Replay { get; }
        public DdpgSampler Sampler { get; }
        public List<EpisodeRecord> Episodes { get; } = new();

        public void Steps(int n)
        {
            for (int i = 0; i < n; i++)
            {
                Sampler.Act(Session.Counters.EnvSteps);
                Sampler.Store(Sampler.Step(), Replay, Episodes.Add);
            }
        }

        public void Dispose()
        {
            Sampler.Dispose();
            Learner.Dispose();
            Session.Dispose();
            Directory.Delete(Runs, recursive: true);
        }
    }

    private static EnvRegistry CountingRegistry() => new EnvRegistry()
        .Register("Terminating", _ => new CountingEnv(maxSteps: 10, terminateAt: 3), "terminates at step 3")
        .Register("Truncating", _ => new CountingEnv(maxSteps: 4), "truncated at step 4");

    [Test]
    public void ATerminalTransitionDoesNotBootstrapAndGetsTheFallPenalty()
    {
        using var f = new Fixture(new InProcessEnvProvider(CountingRegistry()), "Terminating");
        f.Steps(3);
        Assert.That(f.Replay.Count, Is.EqualTo(6));
        for (int i = 0; i < 6; i++)
        {
            var (obs, _, reward, terminal, next) = f.Replay.Get(i);
            int step = (int)obs[1];
            Assert.That(next[1], Is.EqualTo(step + 1), "s' is the observation after the step, also for the last one");
            Assert.That(terminal, Is.EqualTo(step == 2), "only the third step ends in a terminal state");
            double expected = 10 * ((step + 1) + (step == 2 ? -0.5 : 0));
            Assert.That(reward, Is.EqualTo((float)expected), "scale · (r + fall penalty on termination)");
        }
        Assert.That(f.Episodes.Select(e => e.Summary.Reason), Is.All.EqualTo(EndReason.Terminated));
        Assert.That(f.Episodes.Select(e => e.Summary.Return), Is.All.EqualTo(6.0), "the logged return is the env's, unscaled and without penalty");
    }

    [Test]
    public void ATruncatedTransitionBootstrapsFromItsFinalObservationWithoutPenalty()
    {
        using var f = new Fixture(new InProcessEnvProvider(CountingRegistry()), "Truncating");
        f.Steps(5);
        var last = Enumerable.Range(0, (int)f.Replay.Count).Select(i => f.Replay.Get(i)).Where(t => t.Observation[1] == 3).ToList();
        Assert.That(last, Has.Count.EqualTo(2));
        foreach (var t in last)
        {
            Assert.That(t.Terminal, Is.False, "a time limit is not a terminal state: the target bootstraps");
            Assert.That(t.NextObservation[1], Is.EqualTo(4), "s' is the final observation, not the next episode's first");
            Assert.That(t.NextObservation[0], Is.EqualTo(t.Observation[0]), "same episode");
            Assert.That(t.Reward, Is.EqualTo(40f), "no fall penalty on truncation");
        }
        Assert.That(f.Episodes.Select(e => e.Summary.Reason), Is.All.EqualTo(EndReason.TimeLimit));
    }

    /// <summary>A group whose worker is lost at chosen steps (EnvWorkerLostException), or whose fleet fails.</summary>
    private sealed class FaultyProvider : IEnvGroupProvider
    {
        private readonly InProcessEnvProvider _inner = new(new EnvRegistry().Register("Counting", _ => new CountingEnv(maxSteps: 50), "counting"));
        public int[] LoseAt { get; init; } = Array.Empty<int>();
        public int FailAt { get; init; } = int.MaxValue;
        public string Name => "faulty";

        public EnvGroupSet Open(EnvGroupRequest request)
        {
            var set = _inner.Open(request with { Groups = 1 });
            var faulty = Enumerable.Range(0, request.Groups).Select(_ => (IVectorEnv)new Faulty(_inner.Open(request with { Groups = 1 }).Groups[0], LoseAt, FailAt)).ToList();
            set.Dispose();
            return new EnvGroupSet(faulty[0].Spec, faulty);
        }

        private sealed class Faulty : IVectorEnv
        {
            private readonly IVectorEnv _inner;
            private readonly int[] _loseAt;
            private readonly int _failAt;
            private int _steps;

            public Faulty(IVectorEnv inner, int[] loseAt, int failAt)
            {
                _inner = inner;
                _loseAt = loseAt;
                _failAt = failAt;
            }

            public EnvSpec Spec => _inner.Spec;
            public int NumEnvs => _inner.NumEnvs;
            public void Reset(ReadOnlySpan<long> seeds, Span<float> observations) => _inner.Reset(seeds, observations);

            public void Step(ReadOnlySpan<float> actions, VectorStepResult result)
            {
                _steps++;
                if (_steps >= _failAt) throw new EnvFleetFailedException($"fleet failed at step {_steps}");
                if (_loseAt.Contains(_steps)) throw new EnvWorkerLostException("test-worker", "killed", timedOut: false);
                _inner.Step(actions, result);
            }

            public void Dispose() => _inner.Dispose();
        }
    }

    [Test]
    public void ALostWorkerDropsThePartialEpisodesAndStoresNothingWithoutANextState()
    {
        using var f = new Fixture(new FaultyProvider { LoseAt = new[] { 4 } }, "Counting");
        f.Steps(6);
        Assert.That(f.Replay.Count, Is.EqualTo(2 * 5), "5 of 6 steps stored, for both envs; the lost step has no next state");
        Assert.That(f.Session.Counters.EpisodesDropped, Is.EqualTo(2));
        Assert.That(f.Session.Counters.TransitionsDropped, Is.EqualTo(2));
        Assert.That(f.Episodes.Where(e => e.Summary.Reason == EndReason.ServerLost).Select(e => e.Summary.Length), Is.EqualTo(new[] { 3, 3 }));
        for (int i = 0; i < f.Replay.Count; i++)
        {
            var t = f.Replay.Get(i);
            Assert.That(t.NextObservation[0], Is.EqualTo(t.Observation[0]), "no transition spans the reset that replaced the lost worker");
            Assert.That(t.NextObservation[1], Is.EqualTo(t.Observation[1] + 1));
        }
    }

    [Test]
    public void AFailedFleetStopsTrainingWithExitCode3AfterAFinalCheckpoint()
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TestRuns.TinyYaml(runs, "fleet"), "env.id=Counting", "env.backend=faulty", "env.groups=1",
                "ddpg.flip_prob=0", "ddpg.exploration.param_noise=none", "ddpg.exploration.param_noise_prob=0", "checkpoint.every_updates=1000000");
            using var session = TrainingSession.Open(config, new EnvProviderCatalog().Register(new FaultyProvider { LoseAt = new[] { 30 }, FailAt = 90 }),
                new SessionOptions { AlgorithmColumns = Ddpg.Ddpg.ProgressColumns });
            var outcome = DdpgTrainer.Train(session);
            Assert.That(outcome.ExitCode, Is.EqualTo(TrainOutcome.EnvFailure), outcome.Reason);
            Assert.That(outcome.Reason, Does.Contain("fleet failed at step 90"));
            Assert.That(session.Checkpoints.Pointer(RL.Core.Checkpoints.CheckpointStore.LatestPointer), Is.Not.Null, "a final checkpoint was written");
            Assert.That(File.ReadAllText(session.Directory.EpisodesPath), Does.Contain("server_lost"));
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
