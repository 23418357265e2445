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
using RL.Core.Tensors;
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
/// the training loop (sync or async samplers, see <see cref="DdpgSampler"/>) → checkpoints. TD3's three changes
/// (Fujimoto et al. 2018: twin critics, target policy smoothing, delayed actor updates) are switches under
/// <see cref="DdpgConfig.Td3"/>. README.md in this folder has the implementation notes.
/// </summary>
public sealed class Ddpg : IDisposable
{
    private readonly DdpgConfig _config;
    private readonly Device _device;
    private readonly DeterministicActor actor, actorTarget, published;
    private readonly Critic critic, criticTarget;
    // TD3 (Fujimoto et al. 2018): the second critic and its target exist only with twin_critics, the smoothing only
    // with target_policy_noise > 0, so a DDPG run builds, draws and checkpoints exactly what it did before TD3.
    private readonly Critic? critic2, criticTarget2;
    private readonly AdamOptimizer? _critic2Optimizer;
    private readonly List<Parameter>? _critic2Params, _critic2TargetParams;
    private readonly TargetPolicySmoothing? _smoothing;
    private readonly Td3Config _td3;
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

    /// <summary>The seed torch's generator is given, inside <see cref="IsolatedInit"/>, to initialise TD3's second critic.</summary>
    internal static long Critic2TorchSeed(Func<string, long, ulong> seedFor) => (long)(seedFor("critic2", 0) >> 1);

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
        _td3 = config.Td3;
        if (_td3.TwinCritics)
        {
            // Q2 gets its own initialisation (TD3's two critics start apart), from its own seed stream and without
            // moving torch's global generator, so turning the switch on changes nothing else at the start of a run.
            critic2 = IsolatedInit.Build(() =>
            {
                torch.manual_seed(Critic2TorchSeed(seedFor));
                return new Critic(observationSize, actionSpace.Size, config.Critic);
            });
            criticTarget2 = IsolatedInit.Build(() => new Critic(observationSize, actionSpace.Size, config.Critic));
            critic2.to(device);
            criticTarget2.to(device);
            Parameters.Copy(critic2, criticTarget2);
            _critic2Params = critic2.parameters().ToList();
            _critic2TargetParams = criticTarget2.parameters().ToList();
            // Adam is element-wise, so a second optimiser over Q2 is the same as TD3's one optimiser over both critics.
            _critic2Optimizer = new AdamOptimizer(critic2.parameters(), config.CriticLr.Start, config.AdamBeta1, config.AdamBeta2, config.AdamEps);
        }
        if (_td3.TargetPolicyNoise > 0)
            _smoothing = new TargetPolicySmoothing(_td3.TargetPolicyNoise, _td3.TargetNoiseClip, actionSpace, seedFor("target_noise", 0), device);
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
    /// <summary>TD3's second critic Q2 and its target; null unless ddpg.td3.twin_critics.</summary>
    public Critic? Critic2 => critic2;
    public Critic? CriticTarget2 => criticTarget2;
    /// <summary>Successful updates so far (the count that policy_delay divides).</summary>
    public long Updates => _updates;
    /// <summary>The learning rates the critics' optimisers hold now (Q2's NaN without twin critics).</summary>
    internal (double Critic, double Critic2) CriticLearningRates => (_criticOptimizer.LearningRate, _critic2Optimizer?.LearningRate ?? double.NaN);
    public TensorNormalizer Normalizer => _normalizer;

    /// <summary>σ of Plappert's adaptive parameter noise (read by samplers at episode starts).</summary>
    public double AdaptiveSigma => _adaptive is null ? double.NaN : Volatile.Read(ref _adaptiveSigma);
    private double _adaptiveSigma = double.NaN;

    /// <summary>Running sums since the last <see cref="TakeStats"/>.</summary>
    private double _sumCriticLoss, _sumActorLoss, _sumCriticNorm, _sumActorNorm, _lastQ = double.NaN;
    private long _statUpdates, _statFlips;
    // TD3's: Q2's loss and gradient norm, and the actor updates among the updates (fewer with policy_delay > 1).
    private double _sumCritic2Loss, _sumCritic2Norm, _lastQ2 = double.NaN;
    private long _statActorUpdates;
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
        // TD3 §5.2: the actor and the targets move only at every d-th update, counted from 1 as Fujimoto's and SB3's
        // counters do (updates d, 2d, …); with d = 1 (DDPG) every update, and the ops below are DDPG's, in its order.
        bool actorStep = (_updates + 1) % _td3.PolicyDelay == 0;

        // --- actor gradient: maximise Q(s, μ(s)) (Q1 with twin critics, as in TD3) ---
        Tensor? actorLoss = null;
        if (actorStep)
        {
            actorLoss = critic.forward(s, actor.forward(s)).mean().neg();
            _actorOptimizer.ZeroGrad();
            actorLoss.backward();
        }

        // --- critic gradient: Huber (or squared) error to the target y ---
        var y = CriticTargetValue(r, notTerminal, next);
        var q = critic.forward(s, a);
        var criticLoss = CriticLoss(q, y);
        _criticOptimizer.ZeroGrad(); // drops the critic gradients the actor loss left behind
        Tensor? q2 = null, critic2Loss = null;
        if (critic2 is not null)
        {
            // Both critics regress to the same y; the loss is their sum (TD3), each critic's gradient its own.
            q2 = critic2.forward(s, a);
            critic2Loss = CriticLoss(q2, y);
            _critic2Optimizer!.ZeroGrad();
            criticLoss.add(critic2Loss, OwnedScalars.One).backward();
        }
        else criticLoss.backward();

        double criticNorm = _config.GradClip > 0 ? GradientClipping.ClipGlobalNorm(_criticParams, _config.GradClip) : 0;
        double critic2Norm = critic2 is not null && _config.GradClip > 0 ? GradientClipping.ClipGlobalNorm(_critic2Params!, _config.GradClip) : 0;
        double actorNorm = actorStep && _config.GradClip > 0 ? GradientClipping.ClipGlobalNorm(_actorParams, _config.GradClip) : 0;
        float criticValue = criticLoss.item<float>(), actorValue = actorLoss is null ? 0f : actorLoss.item<float>();
        float critic2Value = critic2Loss is null ? 0f : critic2Loss.item<float>();
        if (!float.IsFinite(criticValue) || !float.IsFinite(actorValue) || !float.IsFinite(critic2Value)
            || !double.IsFinite(criticNorm) || !double.IsFinite(actorNorm) || !double.IsFinite(critic2Norm))
        {
            _actorOptimizer.ZeroGrad();
            _criticOptimizer.ZeroGrad();
            _critic2Optimizer?.ZeroGrad();
            return false;
        }
        _criticOptimizer.Step();
        _critic2Optimizer?.Step();
        if (actorStep)
        {
            _actorOptimizer.Step();
            SoftUpdateTargets();
        }

        _sumCriticLoss += criticValue;
        _sumCriticNorm += criticNorm;
        if (actorStep)
        {
            _sumActorLoss += actorValue;
            _sumActorNorm += actorNorm;
            _statActorUpdates++;
        }
        _sumCritic2Loss += critic2Value;
        _sumCritic2Norm += critic2Norm;
        if (flip) _statFlips++;
        _statUpdates++;
        if (_updates++ % 100 == 0)
        {
            _lastQ = q.mean().item<float>();
            if (q2 is not null) _lastQ2 = q2.mean().item<float>();
        }
        if (_adaptive is not null && _updates % _config.Exploration.Adaptive.Interval == 0) AdaptParameterNoise(s, envSteps);
        return true;
    }

    /// <summary>
    /// y = r + γ(1 − terminal)·Q'(s', μ'(s')); with TD3's switches μ'(s') is smoothed (§5.3) and Q' is the smaller of the
    /// two target critics (clipped double Q, §4.2), which counters the overestimation a single critic's max builds up.
    /// Temporaries belong to the caller's dispose scope.
    /// </summary>
    internal Tensor CriticTargetValue(Tensor r, Tensor notTerminal, Tensor next)
    {
        using var _ = torch.no_grad();
        var nextAction = actorTarget.forward(next);
        if (_smoothing is not null) nextAction = _smoothing.Apply(nextAction);
        var nextQ = criticTarget.forward(next, nextAction);
        if (criticTarget2 is not null) nextQ = torch.minimum(nextQ, criticTarget2.forward(next, nextAction));
        return TemporalDifference.Target(r, notTerminal, nextQ, _config.Gamma);
    }

    private Tensor CriticLoss(Tensor q, Tensor y) =>
        _config.HuberDelta > 0 ? TemporalDifference.Huber(q, y, _config.HuberDelta) : nn.functional.mse_loss(q, y);

    /// <summary>Polyak averaging of every target network, θ' ← (1 − τ)θ' + τθ.</summary>
    private void SoftUpdateTargets()
    {
        Parameters.SoftUpdate(_criticTargetParams, _criticParams, _tau);
        if (_critic2Params is not null) Parameters.SoftUpdate(_critic2TargetParams!, _critic2Params, _tau);
        Parameters.SoftUpdate(_actorTargetParams, _actorParams, _tau);
    }

    /// <summary>Linear learning-rate decay over env steps (Reason8: to 5e-5 over 10^7 decisions).</summary>
    private void SetLearningRates(long envSteps)
    {
        double actorLr = _config.ActorLr.At(envSteps), criticLr = _config.CriticLr.At(envSteps);
        if (actorLr != _actorLr)
            _actorOptimizer.LearningRate = _actorLr = actorLr;
        if (criticLr != _criticLr)
        {
            _criticOptimizer.LearningRate = _criticLr = criticLr;
            if (_critic2Optimizer is not null) _critic2Optimizer.LearningRate = criticLr; // TD3's critics share one schedule
        }
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
            stats["train/flip_fraction"] = _statFlips / n;
            if (_config.GradClip > 0) stats["losses/critic_grad_norm"] = _sumCriticNorm / n;
            if (critic2 is not null)
            {
                stats["losses/critic2_loss"] = _sumCritic2Loss / n;
                if (_config.GradClip > 0) stats["losses/critic2_grad_norm"] = _sumCritic2Norm / n;
            }
        }
        // The actor's means are over its own updates: with policy_delay d there are about n/d of them.
        if (_statActorUpdates > 0)
        {
            double m = _statActorUpdates;
            stats["losses/actor_loss"] = _sumActorLoss / m;
            if (_config.GradClip > 0) stats["losses/actor_grad_norm"] = _sumActorNorm / m;
        }
        if (_updates > 0) stats["losses/q_mean"] = _lastQ;
        if (_updates > 0 && critic2 is not null) stats["losses/q2_mean"] = _lastQ2;
        if (_adaptive is not null)
        {
            stats["explore/adaptive_sigma"] = _adaptive.Sigma;
            if (!double.IsNaN(_adaptive.LastDistance)) stats["explore/adaptive_distance"] = _adaptive.LastDistance;
        }
        _sumCriticLoss = _sumActorLoss = _sumCriticNorm = _sumActorNorm = _sumCritic2Loss = _sumCritic2Norm = 0;
        _statUpdates = _statFlips = _statActorUpdates = 0;
        return stats;
    }

    /// <summary>The progress.csv columns DDPG adds (after the common ones), with units and meanings (issue 11).</summary>
    public static readonly CsvColumn[] ProgressColumns =
    {
        new("losses/critic_loss", "reward^2", "mean critic loss over the updates since the previous row: Huber (huber_delta > 0; about |error| x huber_delta for large errors) or squared TD error of Q (Q1 with td3.twin_critics) against r + gamma Q'(s', mu'(s')), rewards after reward.scale; empty: no update since the previous row (warm-up)"),
        new("losses/actor_loss", "reward", "mean actor loss over the actor updates since the previous row (every update, or every td3.policy_delay-th): -mean Q(s, mu(s)) on the batch (Q1 with td3.twin_critics; return units after reward.scale); empty: no actor update since the previous row (warm-up)"),
        new("losses/q_mean", "reward", "mean Q(s, a) of the batch at the latest of every 100th update (return units after reward.scale); empty: no update yet"),
        new("losses/critic_grad_norm", "gradient L2 norm", "mean global L2 norm of the critic gradient before clipping, over the updates since the previous row; empty: no update since the previous row, or grad_clip is 0 (not computed)"),
        new("losses/actor_grad_norm", "gradient L2 norm", "mean global L2 norm of the actor gradient before clipping, over the actor updates since the previous row; empty: no actor update since the previous row, or grad_clip is 0 (not computed)"),
        new("losses/critic2_loss", "reward^2", "as critic_loss, for TD3's second critic Q2 (against the same target, min of the two target critics); empty: td3.twin_critics is off, or no update since the previous row"),
        new("losses/q2_mean", "reward", "as q_mean, for TD3's second critic Q2; empty: td3.twin_critics is off, or no update yet"),
        new("losses/critic2_grad_norm", "gradient L2 norm", "as critic_grad_norm, for TD3's second critic Q2; empty: td3.twin_critics is off, no update since the previous row, or grad_clip is 0"),
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
        if (critic2 is not null)
        {
            w.AddModule("critic2.pt", critic2);
            w.AddModule("critic2_target.pt", criticTarget2!);
            w.AddOptimizer("critic2_optimizer.bin", _critic2Optimizer!);
        }
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
            // TD3's state follows DDPG's only when a switch is on, so a DDPG checkpoint stays byte for byte what it was.
            if (_td3.AnyOn())
            {
                writer.Write(_smoothing is not null);
                if (_smoothing is not null) RngState.Write(writer, _smoothing.Rng.GetState());
                foreach (double v in new[] { _sumCritic2Loss, _sumCritic2Norm, _lastQ2 }) writer.Write(v);
                writer.Write(_statActorUpdates);
            }
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
            if (_td3.AnyOn())
            {
                if (reader.ReadBoolean() != (_smoothing is not null))
                    throw new InvalidDataException($"checkpoint {r.Name}: ddpg.td3.target_policy_noise is on in one of the checkpoint and the config, off in the other.");
                if (_smoothing is not null) _smoothing.Rng.SetState(RngState.Read(reader));
                _sumCritic2Loss = reader.ReadDouble();
                _sumCritic2Norm = reader.ReadDouble();
                _lastQ2 = reader.ReadDouble();
                _statActorUpdates = reader.ReadInt64();
            }
            else _statActorUpdates = _statUpdates; // DDPG: an actor update with every update
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
        if (r.Has("critic2.pt") != (critic2 is not null))
            throw new InvalidDataException($"checkpoint {r.Name}: ddpg.td3.twin_critics is {(critic2 is null ? "off" : "on")} in the config but {(critic2 is null ? "on" : "off")} in the checkpoint.");
        if (critic2 is not null)
        {
            r.ReadModule("critic2.pt", critic2);
            r.ReadModule("critic2_target.pt", criticTarget2!);
            r.ReadOptimizer("critic2_optimizer.bin", _critic2Optimizer!);
        }
        _actorLr = _criticLr = double.NaN;
    }

    /// <summary>Every learned tensor, for the finiteness check before a checkpoint is written (R9).</summary>
    public IEnumerable<Tensor> LearnedTensors() => _actorParams.Concat(_criticParams).Concat(_actorTargetParams).Concat(_criticTargetParams)
        .Concat(_critic2Params ?? Enumerable.Empty<Parameter>()).Concat(_critic2TargetParams ?? Enumerable.Empty<Parameter>()).Select(p => (Tensor)p);


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
        foreach (var m in new nn.Module?[] { actor, critic, actorTarget, criticTarget, published, _adaptiveActor, critic2, criticTarget2 }) m?.Dispose();
        _critic2Optimizer?.Dispose();
        _smoothing?.Dispose();
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
