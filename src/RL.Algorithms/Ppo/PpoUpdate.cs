using RL.Algorithms.Training;
using RL.Algorithms.OnPolicy;
using RL.Core.Checkpoints;
using RL.Core.Logging;
using RL.Core.Optimization;
using RL.Core.Tensors;
using RL.Envs.Random;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RL.Algorithms.Ppo;

/// <summary>
/// One PPO update (Schulman et al. 2017): epochs of shuffled minibatches over the rollout, each step minimising
/// −min(r·A, clip(r, 1 ± ε)·A) + c_v·value loss − c_e·entropy with one Adam over both networks (baselines PPO1),
/// the global gradient norm clipped, the value optionally clipped around the rollout's prediction, and the epochs
/// cut short when a minibatch's approximate KL passes 1.5 × target_kl (SB3). Minibatches are drawn on the run's
/// own RNG stream, so the same seed gives the same updates.
/// </summary>
public sealed class PpoUpdate : IOnPolicyUpdate
{
    public const string OptimizerFile = "optimizer.bin";
    public const string StateFile = "ppo.bin";

    private readonly PpoConfig _config;
    private readonly OnPolicyModel _model;
    private readonly AdamOptimizer _optimizer;
    private readonly List<Parameter> _parameters;
    private readonly Xoshiro256 _rng;
    private readonly Scalar _valueCoef, _minusEntropyCoef;

    // SB3 PPO.train: (A − mean) / (std + 1e-8) over each minibatch, std with Bessel's correction.
    private static readonly Scalar AdvantageEpsilon = 1e-8.ToScalar();

    public PpoUpdate(PpoConfig config, OnPolicyModel model, ulong seed)
    {
        _config = config;
        _model = model;
        _parameters = model.Policy.parameters().Concat(model.Value.parameters()).ToList();
        _optimizer = new AdamOptimizer(_parameters, config.Lr.Start, eps: config.AdamEps);
        _rng = new Xoshiro256(seed);
        _valueCoef = config.ValueCoef.ToScalar();
        _minusEntropyCoef = (-config.EntropyCoef).ToScalar();
    }

    /// <summary>The progress.csv columns PPO adds to the on-policy ones.</summary>
    public static readonly CsvColumn[] Columns =
    {
        new("losses/policy_loss", "advantage", "mean clipped-surrogate loss -min(r A, clip(r) A) over the update's gradient steps (normalised advantages when normalize_advantage)"),
        new("losses/clip_fraction", "fraction 0-1", "share of rows whose ratio r left [1 - clip, 1 + clip], over the update's gradient steps"),
        new("ppo/approx_kl_minibatch", "nats", "mean of (r - 1) - log r on the last minibatch (Schulman's estimate of KL; the one target_kl compares)"),
        new("ppo/epochs", "epochs", "epochs run (fewer than ppo.epochs when target_kl stopped them)"),
        new("ppo/gradient_steps", "steps", "gradient steps of this update"),
        new("ppo/grad_norm", "gradient L2 norm", "mean global gradient norm before clipping over the update's gradient steps"),
        new("train/lr", "learning rate", "Adam's learning rate in this update (linear schedule over decisions)"),
        new("train/clip_range", "ratio", "the clip range epsilon in this update (linear schedule over decisions)"),
    };

    public static IReadOnlyList<CsvColumn> ProgressColumns => Columns.Concat(OnPolicyTrainer.CommonColumns).ToArray();

    public Dictionary<string, double>? Update(OnPolicyBatch batch, long envSteps)
    {
        double clip = _config.ClipRange.At(envSteps);
        _optimizer.LearningRate = _config.Lr.At(envSteps);
        using var low = (1 - clip).ToScalar();
        using var high = (1 + clip).ToScalar();
        using var clipS = clip.ToScalar();
        using var valueLow = (-_config.ValueClip).ToScalar();
        using var valueHigh = _config.ValueClip.ToScalar();
        int rows = batch.Rows;
        int minibatch = Math.Min(_config.MinibatchSize, rows);
        var order = new long[rows];
        double sumPolicy = 0, sumValue = 0, sumClip = 0, sumNorm = 0, lastKl = 0;
        int steps = 0, epochs = 0;
        bool stop = false;
        for (int epoch = 0; epoch < _config.Epochs && !stop; epoch++)
        {
            epochs++;
            using var epochOrder = Minibatches.Epoch(order, _rng, _model.Device);
            for (int start = 0; start + minibatch <= rows && !stop; start += minibatch)
            {
                using var scope = NewDisposeScope();
                var index = epochOrder.narrow(0, start, minibatch);
                var obs = batch.Observations.index_select(0, index);
                var adv = batch.Advantages.index_select(0, index);
                if (_config.NormalizeAdvantage && _config.NormalizeAdvantagePerMinibatch && minibatch > 1)
                    adv = adv.sub(adv.mean()).div(adv.std().add(AdvantageEpsilon, OwnedScalars.One));
                var ret = batch.Returns.index_select(0, index);
                var head = _model.Policy.forward(obs);
                var logp = _model.Distribution.LogProb(head, _model.Policy.LogStd, batch.Actions.index_select(0, index));
                var logRatio = logp.sub(batch.OldLogProb.index_select(0, index));
                var ratio = logRatio.exp();
                var surrogate = torch.minimum(ratio.mul(adv), ratio.clamp(low, high).mul(adv));
                var policyLoss = surrogate.mean().neg();
                var value = _model.Value.forward(obs).squeeze(-1);
                var error = value.sub(ret);
                var valueLoss = error.mul(error);
                if (_config.ValueClip > 0)
                {
                    var oldValue = batch.OldValues.index_select(0, index);
                    var clipped = oldValue.add(value.sub(oldValue).clamp(valueLow, valueHigh), OwnedScalars.One).sub(ret);
                    valueLoss = torch.maximum(valueLoss, clipped.mul(clipped));
                }
                var valueMean = valueLoss.mean();
                var loss = policyLoss.add(valueMean, _valueCoef);
                if (_config.EntropyCoef > 0) loss = loss.add(_model.Distribution.Entropy(head, _model.Policy.LogStd).mean(), _minusEntropyCoef);
                _optimizer.ZeroGrad();
                loss.backward();
                double norm = GradientClipping.ClipGlobalNorm(_parameters, _config.MaxGradNorm > 0 ? _config.MaxGradNorm : double.PositiveInfinity);
                float lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue) || !double.IsFinite(norm))
                {
                    _optimizer.ZeroGrad();
                    return null;
                }
                _optimizer.Step();
                steps++;
                sumPolicy += policyLoss.item<float>();
                sumValue += valueMean.item<float>();
                sumNorm += norm;
                using (no_grad())
                {
                    // |r − 1| > ε as sign(relu(|r − 1| − ε)): TorchSharp's gt converts its argument to a tensor of its own (issue 10's scan).
                    double clipFraction = ratio.sub(OwnedScalars.One).abs().sub(clipS).relu().sign().mean().item<float>();
                    if (steps == 1) FirstClipFraction = clipFraction;
                    sumClip += clipFraction;
                    // Schulman's low-variance estimator of KL(old ‖ new): mean((r − 1) − log r).
                    lastKl = ratio.sub(OwnedScalars.One).sub(logRatio).mean().item<float>();
                }
                if (_config.TargetKl > 0 && lastKl > 1.5 * _config.TargetKl) stop = true;
            }
        }
        double kl;
        using (no_grad())
        using (var s = NewDisposeScope())
            kl = _model.Distribution.Kl(batch.OldHead, batch.OldLogStd, _model.Policy.forward(batch.Observations), _model.Policy.LogStd).mean().item<float>();
        var values = new Dictionary<string, double>
        {
            ["losses/approx_kl"] = kl,
            ["ppo/epochs"] = epochs,
            ["ppo/gradient_steps"] = steps,
            ["train/lr"] = _optimizer.LearningRate,
            ["train/clip_range"] = clip,
        };
        if (steps > 0)
        {
            values["losses/policy_loss"] = sumPolicy / steps;
            values["losses/value_loss"] = sumValue / steps;
            values["losses/clip_fraction"] = sumClip / steps;
            values["ppo/approx_kl_minibatch"] = lastKl;
            values["ppo/grad_norm"] = sumNorm / steps;
        }
        return values;
    }

    /// <summary>The clip fraction of the last update's first minibatch: 0, since its ratios are taken before any step (a test checks it).</summary>
    public double FirstClipFraction { get; private set; } = double.NaN;

    public void Save(CheckpointWriter writer)
    {
        writer.AddOptimizer(OptimizerFile, _optimizer);
        writer.AddBinary(StateFile, w => RngState.Write(w, _rng.GetState()));
    }

    public void Load(CheckpointReader checkpoint)
    {
        LoadLearner(checkpoint);
        checkpoint.ReadBinary(StateFile, r => _rng.SetState(RngState.Read(r)));
    }

    public void LoadLearner(CheckpointReader checkpoint) => checkpoint.ReadOptimizer(OptimizerFile, _optimizer);

    public void Dispose()
    {
        _optimizer.Dispose();
        _valueCoef.Dispose();
        _minusEntropyCoef.Dispose();
    }
}
