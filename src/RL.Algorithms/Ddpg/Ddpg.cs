using System.Diagnostics;
using RL.Algorithms.Training;
using RL.Core.Buffers;
using RL.Core.Checkpoints;
using RL.Core.Config;
using RL.Core.Exploration;
using RL.Core.Logging;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Core.Optimization;
using RL.Envs;
using RL.Envs.Random;
using RL.Envs.Spaces;
using RL.Envs.Vector;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// Deep Deterministic Policy Gradient (Lillicrap et al. 2015) with the 2017 Learning-to-Run recipe as switches
/// (Reason8: LayerNorm, parameter noise, reflection; recipes §3.3, §5). Reads top to bottom: networks and
/// optimisers → one update (critic and actor gradients, soft target update) → parameter-noise adaptation →
/// the training loop (sync or async samplers, see <see cref="DdpgSampler"/>) → checkpoints. README.md in this
/// folder has the implementation notes.
/// </summary>
public sealed class Ddpg : IDisposable
{
    private readonly DdpgConfig _config;
    private readonly Device _device;
    private readonly DeterministicActor actor, actorTarget, published;
    private readonly Critic critic, criticTarget;
    private readonly Generator? _noisyGenerator, _noisyTargetGenerator;
    private readonly AdamOptimizer _actorOptimizer, _criticOptimizer;
    private readonly List<Parameter> _actorParams, _criticParams, _actorTargetParams, _criticTargetParams;
    private readonly Tensor _tau;
    private readonly TransitionBatch _batch;
    private readonly TensorNormalizer _normalizer;
    private readonly (MirrorMap, MirrorMap)? _mirror;
    private readonly Xoshiro256 _replayRng, _flipRng, _adaptiveRng;
    private readonly AdaptiveParameterNoise? _adaptive;
    private readonly DeterministicActor? _adaptiveActor;
    private readonly ParameterPerturber? _adaptivePerturber;
    private readonly object _publishGate = new();
    private long _publishedVersion;
    private double _actorLr = double.NaN, _criticLr = double.NaN;

    // --- networks and optimisers ---

    /// <summary>The seed of torch's global generator (a non-negative long), as the learner sets it and config.yaml records it.</summary>
    internal static long TorchSeed(Func<string, long, ulong> seedFor) => (long)(seedFor("torch", 0) >> 1);

    public Ddpg(DdpgConfig config, int observationSize, Box actionSpace, (MirrorMap Observation, MirrorMap Action)? mirror,
        ObservationPipeline pipeline, Device device, Func<string, long, ulong> seedFor)
    {
        _config = config;
        _device = device;
        ObservationSize = observationSize;
        ActionSpace = actionSpace;
        if (config.FlipProb > 0 && mirror is null)
            throw new ConfigException(null, "ddpg.flip_prob", $"is {config.FlipProb} but the env publishes no observation and action mirror maps.");
        _mirror = config.FlipProb > 0 ? mirror : null;
        // The network initialisation is the only use of torch's global generator: seed it from the run's master seed.
        torch.manual_seed(TorchSeed(seedFor));
        bool noisy = config.Actor.Noisy != NoisyLayers.None;
        _noisyGenerator = noisy ? new Generator(seedFor("noisynet", 0), device: torch.CPU) : null;
        _noisyTargetGenerator = noisy ? new Generator(seedFor("noisynet", 1), device: torch.CPU) : null;
        actor = new DeterministicActor(observationSize, actionSpace, config.Actor, _noisyGenerator);
        critic = new Critic(observationSize, actionSpace.Size, config.Critic);
        actorTarget = IsolatedInit.Build(() => new DeterministicActor(observationSize, actionSpace, config.Actor, _noisyTargetGenerator));
        criticTarget = IsolatedInit.Build(() => new Critic(observationSize, actionSpace.Size, config.Critic));
        published = IsolatedInit.Build(() => new DeterministicActor(observationSize, actionSpace, config.Actor, _noisyGenerator));
        foreach (var m in new nn.Module[] { actor, critic, actorTarget, criticTarget, published }) m.to(device);
        Parameters.Copy(actor, actorTarget);
        Parameters.Copy(critic, criticTarget);
        Parameters.Copy(actor, published);
        _actorParams = actor.parameters().ToList();
        _criticParams = critic.parameters().ToList();
        _actorTargetParams = actorTarget.parameters().ToList();
        _criticTargetParams = criticTarget.parameters().ToList();
        _actorOptimizer = new AdamOptimizer(actor.parameters(), config.ActorLr.Start, config.AdamBeta1, config.AdamBeta2, config.AdamEps);
        _criticOptimizer = new AdamOptimizer(critic.parameters(), config.CriticLr.Start, config.AdamBeta1, config.AdamBeta2, config.AdamEps);
        _tau = torch.tensor((float)config.Tau, device: device);
        _batch = new TransitionBatch(config.BatchSize, observationSize, actionSpace.Size, device);
        _normalizer = new TensorNormalizer(pipeline, device);
        _replayRng = new Xoshiro256(seedFor("replay", 0));
        _flipRng = new Xoshiro256(seedFor("flip", 0));
        _adaptiveRng = new Xoshiro256(seedFor("adaptive", 0));
        if (config.Exploration.ParamNoise == ParameterNoiseKind.Adaptive)
        {
            _adaptive = new AdaptiveParameterNoise(config.Exploration.Adaptive.InitialSigma, config.Exploration.Adaptive.Alpha);
            // Samplers perturb with this σ from their first episode, before the first adaptation: NaN here made every
            // parameter-noise action NaN (found by the forced-GC stress test of issue 10).
            _adaptiveSigma = _adaptive.Sigma;
            _adaptiveActor = IsolatedInit.Build(() => new DeterministicActor(observationSize, actionSpace, config.Actor));
            _adaptiveActor.to(device);
            _adaptivePerturber = new ParameterPerturber(actor, _adaptiveActor);
        }
    }

    public int ObservationSize { get; }
    public Box ActionSpace { get; }
    public DeterministicActor Actor => actor;
    public Critic Critic => critic;
    public DeterministicActor ActorTarget => actorTarget;
    public Critic CriticTarget => criticTarget;
    public TensorNormalizer Normalizer => _normalizer;

    /// <summary>σ of Plappert's adaptive parameter noise (read by samplers at episode starts).</summary>
    public double AdaptiveSigma => _adaptive is null ? double.NaN : Volatile.Read(ref _adaptiveSigma);
    private double _adaptiveSigma = double.NaN;

    /// <summary>Running sums since the last <see cref="TakeStats"/>.</summary>
    private double _sumCriticLoss, _sumActorLoss, _sumCriticNorm, _sumActorNorm, _lastQ = double.NaN;
    private long _statUpdates, _statFlips;
    private long _updates;

    // --- one update ---

    /// <summary>
    /// One DDPG update from a replay batch: returns false (and changes nothing) when a loss or gradient is
    /// not finite (reliability.md R9). Both gradients are taken from the same parameters, as baselines' DDPG does
    /// in one session run, so a skipped update leaves every parameter and optimiser moment bitwise unchanged.
    /// </summary>
    public bool Update(ReplayBuffer replay, long envSteps)
    {
        SetLearningRates(envSteps);
        bool flip = _mirror is not null && _flipRng.NextDouble() < _config.FlipProb;
        using var scope = torch.NewDisposeScope();
        var (s, a, r, notTerminal, next) = _batch.Sample(replay, _replayRng, flip ? _mirror : null);
        s = _normalizer.Apply(s);
        next = _normalizer.Apply(next);

        // --- actor gradient: maximise Q(s, μ(s)) ---
        var actorLoss = critic.forward(s, actor.forward(s)).mean().neg();
        _actorOptimizer.ZeroGrad();
        actorLoss.backward();

        // --- critic gradient: Huber (or squared) error to y = r + γ(1 − terminal)Q'(s', μ'(s')) ---
        Tensor y;
        using (torch.no_grad())
            y = TemporalDifference.Target(r, notTerminal, criticTarget.forward(next, actorTarget.forward(next)), _config.Gamma);
        var q = critic.forward(s, a);
        var criticLoss = _config.HuberDelta > 0 ? TemporalDifference.Huber(q, y, _config.HuberDelta) : nn.functional.mse_loss(q, y);
        _criticOptimizer.ZeroGrad(); // drops the critic gradients the actor loss left behind
        criticLoss.backward();

        double criticNorm = _config.GradClip > 0 ? GradientClipping.ClipGlobalNorm(_criticParams, _config.GradClip) : 0;
        double actorNorm = _config.GradClip > 0 ? GradientClipping.ClipGlobalNorm(_actorParams, _config.GradClip) : 0;
        float criticValue = criticLoss.item<float>(), actorValue = actorLoss.item<float>();
        if (!float.IsFinite(criticValue) || !float.IsFinite(actorValue) || !double.IsFinite(criticNorm) || !double.IsFinite(actorNorm))
        {
            _actorOptimizer.ZeroGrad();
            _criticOptimizer.ZeroGrad();
            return false;
        }
        _criticOptimizer.Step();
        _actorOptimizer.Step();
        SoftUpdateTargets();

        _sumCriticLoss += criticValue;
        _sumActorLoss += actorValue;
        _sumCriticNorm += criticNorm;
        _sumActorNorm += actorNorm;
        if (flip) _statFlips++;
        _statUpdates++;
        if (_updates++ % 100 == 0) _lastQ = q.mean().item<float>();
        if (_adaptive is not null && _updates % _config.Exploration.Adaptive.Interval == 0) AdaptParameterNoise(s, envSteps);
        return true;
    }

    /// <summary>Polyak averaging of both target networks, θ' ← (1 − τ)θ' + τθ.</summary>
    private void SoftUpdateTargets()
    {
        Parameters.SoftUpdate(_criticTargetParams, _criticParams, _tau);
        Parameters.SoftUpdate(_actorTargetParams, _actorParams, _tau);
    }

    /// <summary>Linear learning-rate decay over env steps (Reason8: to 5e-5 over 10^7 decisions).</summary>
    private void SetLearningRates(long envSteps)
    {
        double actorLr = _config.ActorLr.At(envSteps), criticLr = _config.CriticLr.At(envSteps);
        if (actorLr != _actorLr)
            _actorOptimizer.LearningRate = _actorLr = actorLr;
        if (criticLr != _criticLr)
            _criticOptimizer.LearningRate = _criticLr = criticLr;
    }

    // --- parameter noise: Plappert's adaptive σ ---

    /// <summary>d = RMS(μ(s) − μ̃(s)) on the current batch with a freshly perturbed copy; σ moves towards d = δ.</summary>
    private void AdaptParameterNoise(Tensor s, long envSteps)
    {
        var cfg = _config.Exploration.Adaptive;
        double target = cfg.TargetDistance > 0 ? cfg.TargetDistance : _config.Exploration.ActionSigmaAt(envSteps);
        _adaptivePerturber!.Perturb(_adaptive!.Sigma, _adaptiveRng);
        using var _ = torch.no_grad();
        double distance = ParameterPerturber.ActionDistance(actor.forward(s), _adaptiveActor!.forward(s));
        _adaptive.Adapt(distance, target);
        Volatile.Write(ref _adaptiveSigma, _adaptive.Sigma);
    }

    // --- publishing the actor to samplers ---

    public long PublishedVersion => Interlocked.Read(ref _publishedVersion);

    /// <summary>Makes the current actor the one samplers take at their next synchronisation.</summary>
    public void Publish()
    {
        lock (_publishGate)
        {
            Parameters.Copy(actor, published);
            _publishedVersion++;
        }
    }

    /// <summary>Copies the published actor into a sampler's actor; returns the version taken.</summary>
    public long CopyPublished(DeterministicActor target)
    {
        lock (_publishGate)
        {
            Parameters.Copy(published, target);
            return _publishedVersion;
        }
    }

    /// <summary>
    /// The stats of the updates since the last call, as progress.csv columns. A value that does not exist (no update
    /// since the last row, as during warm-up; a switch that is off) is left out, so its cell stays empty: writing NaN
    /// for it made warm-up rows look like diverged losses (issue 11).
    /// </summary>
    public Dictionary<string, double> TakeStats(long envSteps, long replaySize)
    {
        double n = _statUpdates;
        var stats = new Dictionary<string, double>
        {
            ["train/actor_lr"] = _config.ActorLr.At(envSteps),
            ["train/critic_lr"] = _config.CriticLr.At(envSteps),
            ["replay/size"] = replaySize,
            ["explore/action_sigma"] = _config.Exploration.ActionSigmaAt(envSteps),
        };
        if (_statUpdates > 0)
        {
            stats["losses/critic_loss"] = _sumCriticLoss / n;
            stats["losses/actor_loss"] = _sumActorLoss / n;
            stats["train/flip_fraction"] = _statFlips / n;
            if (_config.GradClip > 0)
            {
                stats["losses/critic_grad_norm"] = _sumCriticNorm / n;
                stats["losses/actor_grad_norm"] = _sumActorNorm / n;
            }
        }
        if (_updates > 0) stats["losses/q_mean"] = _lastQ;
        if (_adaptive is not null)
        {
            stats["explore/adaptive_sigma"] = _adaptive.Sigma;
            if (!double.IsNaN(_adaptive.LastDistance)) stats["explore/adaptive_distance"] = _adaptive.LastDistance;
        }
        _sumCriticLoss = _sumActorLoss = _sumCriticNorm = _sumActorNorm = 0;
        _statUpdates = _statFlips = 0;
        return stats;
    }

    /// <summary>The progress.csv columns DDPG adds (after the common ones), with units and meanings (issue 11).</summary>
    public static readonly CsvColumn[] ProgressColumns =
    {
        new("losses/critic_loss", "reward^2", "mean critic loss over the updates since the previous row: Huber (huber_delta > 0; about |error| x huber_delta for large errors) or squared TD error of Q against r + gamma Q'(s', mu'(s')), rewards after reward.scale; empty: no update since the previous row (warm-up)"),
        new("losses/actor_loss", "reward", "mean actor loss over the updates since the previous row: -mean Q(s, mu(s)) on the batch (return units after reward.scale); empty: no update since the previous row (warm-up)"),
        new("losses/q_mean", "reward", "mean Q(s, a) of the batch at the latest of every 100th update (return units after reward.scale); empty: no update yet"),
        new("losses/critic_grad_norm", "gradient L2 norm", "mean global L2 norm of the critic gradient before clipping, over the updates since the previous row; empty: no update since the previous row, or grad_clip is 0 (not computed)"),
        new("losses/actor_grad_norm", "gradient L2 norm", "mean global L2 norm of the actor gradient before clipping, over the updates since the previous row; empty: no update since the previous row, or grad_clip is 0 (not computed)"),
        new("train/actor_lr", "1/update", "the actor's Adam learning rate at this row's decision count (linear schedule over decisions)"),
        new("train/critic_lr", "1/update", "the critic's Adam learning rate at this row's decision count (linear schedule over decisions)"),
        new("train/flip_fraction", "fraction 0-1", "share of the updates since the previous row whose batch was mirrored (flip_prob); empty: no update since the previous row"),
        new("replay/size", "transitions", "transitions in the replay buffer"),
        new("explore/action_sigma", "action units", "sigma of the action noise (OU or Gaussian) at this row's decision count"),
        new("explore/adaptive_sigma", "parameter units", "sigma of Plappert's adaptive parameter noise; empty: param_noise is not adaptive"),
        new("explore/adaptive_distance", "action units", "the last RMS action distance between the actor and its perturbed copy measured by the adaptation; empty: param_noise is not adaptive, or not measured yet"),
        new("explore/param_noise_fraction", "fraction 0-1", "share of the episodes begun since the previous row that use parameter noise; empty: none begun"),
        new("explore/bisection_sigma", "parameter units", "mean sigma found by Reason8's bisection for the parameter-noise episodes begun since the previous row; empty: none begun, or param_noise is not bisection"),
    };

    // --- checkpoints ---

    public const string Kind = "ddpg";

    /// <summary>The checkpoint file of the actor: what a policy for evaluation reads.</summary>
    public const string ActorFile = "actor.pt";

    public void Save(CheckpointWriter w)
    {
        w.AddModule(ActorFile, actor);
        w.AddModule("critic.pt", critic);
        w.AddModule("actor_target.pt", actorTarget);
        w.AddModule("critic_target.pt", criticTarget);
        w.AddModule("actor_published.pt", published);
        w.AddOptimizer("actor_optimizer.bin", _actorOptimizer);
        w.AddOptimizer("critic_optimizer.bin", _criticOptimizer);
        w.AddBinary("learner.bin", writer =>
        {
            RngState.Write(writer, _replayRng.GetState());
            RngState.Write(writer, _flipRng.GetState());
            RngState.Write(writer, _adaptiveRng.GetState());
            WriteBytes(writer, torch.get_rng_state());
            writer.Write(_noisyGenerator is not null);
            if (_noisyGenerator is not null)
            {
                WriteBytes(writer, _noisyGenerator.get_state());
                WriteBytes(writer, _noisyTargetGenerator!.get_state());
            }
            writer.Write(_adaptive is not null);
            _adaptive?.Save(writer);
            _normalizer.Save(writer);
            writer.Write(_publishedVersion);
            foreach (double v in new[] { _sumCriticLoss, _sumActorLoss, _sumCriticNorm, _sumActorNorm, _lastQ }) writer.Write(v);
            writer.Write(_statUpdates);
            writer.Write(_statFlips);
            writer.Write(_updates);
        });
    }

    public void Load(CheckpointReader r)
    {
        LoadLearner(r);
        r.ReadModule("actor_published.pt", published);
        r.ReadBinary("learner.bin", reader =>
        {
            _replayRng.SetState(RngState.Read(reader));
            _flipRng.SetState(RngState.Read(reader));
            _adaptiveRng.SetState(RngState.Read(reader));
            using (var state = ReadBytes(reader)) torch.set_rng_state(state);
            if (reader.ReadBoolean() != (_noisyGenerator is not null))
                throw new InvalidDataException($"checkpoint {r.Name}: the actor's NoisyNet setting differs from the config.");
            if (_noisyGenerator is not null)
            {
                using (var g = ReadBytes(reader)) _noisyGenerator.set_state(g);
                using (var g = ReadBytes(reader)) _noisyTargetGenerator!.set_state(g);
            }
            if (reader.ReadBoolean() != (_adaptive is not null))
                throw new InvalidDataException($"checkpoint {r.Name}: parameter noise setting differs from the config.");
            _adaptive?.Load(reader);
            if (_adaptive is not null) _adaptiveSigma = _adaptive.Sigma;
            _normalizer.Load(reader);
            _publishedVersion = reader.ReadInt64();
            _sumCriticLoss = reader.ReadDouble();
            _sumActorLoss = reader.ReadDouble();
            _sumCriticNorm = reader.ReadDouble();
            _sumActorNorm = reader.ReadDouble();
            _lastQ = reader.ReadDouble();
            _statUpdates = reader.ReadInt64();
            _statFlips = reader.ReadInt64();
            _updates = reader.ReadInt64();
        });
        _actorLr = _criticLr = double.NaN;
    }

    /// <summary>Reloads only what learning changes (networks, optimisers) from a checkpoint: the rollback of R9.</summary>
    public void LoadLearner(CheckpointReader r)
    {
        r.ReadModule(ActorFile, actor);
        r.ReadModule("critic.pt", critic);
        r.ReadModule("actor_target.pt", actorTarget);
        r.ReadModule("critic_target.pt", criticTarget);
        r.ReadOptimizer("actor_optimizer.bin", _actorOptimizer);
        r.ReadOptimizer("critic_optimizer.bin", _criticOptimizer);
        _actorLr = _criticLr = double.NaN;
    }

    /// <summary>Every learned tensor, for the finiteness check before a checkpoint is written (R9).</summary>
    public IEnumerable<Tensor> LearnedTensors() => _actorParams.Concat(_criticParams).Concat(_actorTargetParams).Concat(_criticTargetParams).Select(p => (Tensor)p);


    internal static void WriteBytes(BinaryWriter w, Tensor t)
    {
        using (t)
        {
            var bytes = t.bytes;
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }

    internal static Tensor ReadBytes(BinaryReader r)
    {
        byte[] bytes = r.ReadBytes(r.ReadInt32());
        return torch.tensor(bytes, dtype: ScalarType.Byte);
    }

    public void Dispose()
    {
        foreach (var m in new nn.Module?[] { actor, critic, actorTarget, criticTarget, published, _adaptiveActor }) m?.Dispose();
        _adaptivePerturber?.Dispose();
        _batch.Dispose();
        _normalizer.Dispose();
        _tau.Dispose();
        _actorOptimizer.Dispose();
        _criticOptimizer.Dispose();
        _noisyGenerator?.Dispose();
        _noisyTargetGenerator?.Dispose();
    }
}
