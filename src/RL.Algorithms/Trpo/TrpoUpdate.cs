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

namespace RL.Algorithms.Trpo;

/// <summary>
/// One TRPO update (Schulman et al. 2015, as baselines trpo_mpi does it): the gradient g of the surrogate
/// mean(r·A) (+ entropy bonus), the natural direction s = (F + damping·I)⁻¹g by conjugate gradient on
/// Fisher-vector products (double backpropagation through the mean KL), the step s·√(2·max_kl / sᵀFs), then a
/// backtracking line search that halves it until the mean KL is within max_kl and the surrogate improves (else the
/// policy is left unchanged). The value function is then fitted separately by Adam over minibatch epochs.
/// </summary>
public sealed class TrpoUpdate : IOnPolicyUpdate
{
    public const string ValueOptimizerFile = "value_optimizer.bin";
    public const string StateFile = "trpo.bin";

    private readonly TrpoConfig _config;
    private readonly OnPolicyModel _model;
    private readonly List<Parameter> _policyParameters, _valueParameters;
    private readonly List<Tensor> _policyTensors;
    private readonly AdamOptimizer _valueOptimizer;
    private readonly Xoshiro256 _rng;
    private readonly Scalar _entropyCoef, _damping;

    public TrpoUpdate(TrpoConfig config, OnPolicyModel model, ulong seed)
    {
        _config = config;
        _model = model;
        _policyParameters = model.Policy.parameters().ToList();
        _policyTensors = _policyParameters.Select(p => (Tensor)p).ToList();
        _valueParameters = model.Value.parameters().ToList();
        _valueOptimizer = new AdamOptimizer(_valueParameters, config.ValueLr);
        _rng = new Xoshiro256(seed);
        _entropyCoef = config.EntropyCoef.ToScalar();
        _damping = config.CgDamping.ToScalar();
    }

    public static readonly CsvColumn[] Columns =
    {
        new("losses/surrogate", "advantage", "the surrogate mean(r A) (+ entropy bonus) reached by the accepted step, relative to 0 before it (normalised advantages when normalize_advantage); 0 when no step was accepted"),
        new("trpo/kl", "nats", "mean KL(old || new) of the accepted step (never above max_kl); 0 when none was accepted"),
        new("trpo/step_fraction", "fraction 0-1", "the fraction of the full natural-gradient step the line search accepted (1, 1/2, 1/4 ...); 0 when none"),
        new("trpo/line_search_steps", "steps", "surrogate and KL evaluations the line search made"),
        new("trpo/expected_improvement", "advantage", "first-order improvement g . step predicted for the full step"),
        new("trpo/grad_norm", "gradient L2 norm", "norm of the surrogate gradient g"),
    };

    public static IReadOnlyList<CsvColumn> ProgressColumns => Columns.Concat(OnPolicyTrainer.CommonColumns).ToArray();

    /// <summary>The last update's accepted KL and step fraction (a test checks the KL limit holds).</summary>
    public (double Kl, double StepFraction) LastStep { get; private set; }

    public Dictionary<string, double>? Update(OnPolicyBatch batch, long envSteps)
    {
        var values = new Dictionary<string, double>();
        if (!PolicyStep(batch, values)) return null;
        if (!FitValue(batch, values)) return null;
        return values;
    }

    private Tensor Surrogate(OnPolicyBatch batch)
    {
        var head = _model.Policy.forward(batch.Observations);
        var logp = _model.Distribution.LogProb(head, _model.Policy.LogStd, batch.Actions);
        var surrogate = logp.sub(batch.OldLogProb).exp().mul(batch.Advantages).mean();
        return _config.EntropyCoef > 0 ? surrogate.add(_model.Distribution.Entropy(head, _model.Policy.LogStd).mean(), _entropyCoef) : surrogate;
    }

    private Tensor MeanKl(OnPolicyBatch batch) =>
        _model.Distribution.Kl(batch.OldHead, batch.OldLogStd, _model.Policy.forward(batch.Observations), _model.Policy.LogStd).mean();

    private static Tensor Flat(IEnumerable<Tensor> tensors) => torch.cat(tensors.Select(t => t.reshape(-1)).ToArray());

    private void SetPolicy(Tensor flat)
    {
        using var _ = no_grad();
        long offset = 0;
        foreach (var p in _policyParameters)
        {
            long n = p.numel();
            using var slice = flat.narrow(0, offset, n).view_as(p);
            p.copy_(slice);
            offset += n;
        }
    }

    /// <summary>(F + damping·I)v with F the Hessian of the mean KL at the current (old) policy.</summary>
    private Tensor FisherVector(OnPolicyBatch batch, Tensor v)
    {
        // Called from the conjugate gradient, whatever its caller's grad mode: the double backward needs the graph.
        using var grad = torch.enable_grad();
        var kl = MeanKl(batch);
        var grads = torch.autograd.grad(new[] { kl }, _policyTensors, retain_graph: true, create_graph: true);
        var gv = Flat(grads).mul(v).sum();
        var hv = torch.autograd.grad(new[] { gv }, _policyTensors);
        return Flat(hv).add(v, _damping).detach();
    }

    private bool PolicyStep(OnPolicyBatch batch, Dictionary<string, double> values)
    {
        using var scope = NewDisposeScope();
        var surrogate = Surrogate(batch);
        double before = surrogate.item<float>();
        var g = Flat(torch.autograd.grad(new[] { surrogate }, _policyTensors)).detach();
        double gNorm = g.norm().item<float>();
        if (!double.IsFinite(before) || !double.IsFinite(gNorm)) return false;
        values["trpo/grad_norm"] = gNorm;
        if (gNorm == 0)
        {
            Record(values, 0, 0, 0, 0, 0);
            return true;
        }
        var direction = ConjugateGradient.Solve(v => FisherVector(batch, v), g, _config.CgIterations);
        double sFs = direction.dot(FisherVector(batch, direction)).item<float>();
        if (!(sFs > 0) || !double.IsFinite(sFs)) return false;
        using var scale = Math.Sqrt(2 * _config.MaxKl / sFs).ToScalar();
        var fullStep = direction.mul(scale);
        double expected = g.dot(fullStep).item<float>();
        var old = Flat(_policyParameters.Select(p => p.detach())).clone();
        double fraction = 1;
        for (int k = 1; k <= _config.LineSearchSteps; k++, fraction *= 0.5)
        {
            using var step = fraction.ToScalar();
            SetPolicy(old.add(fullStep, step));
            double surr, kl;
            using (no_grad())
            {
                surr = Surrogate(batch).item<float>();
                kl = MeanKl(batch).item<float>();
            }
            // Accept only inside the trust region and with a real improvement (issue 12; baselines allowed 1.5 × max_kl).
            if (double.IsFinite(surr) && double.IsFinite(kl) && kl <= _config.MaxKl && surr > before)
            {
                Record(values, surr - before, kl, fraction, k, expected);
                return true;
            }
            if (k == _config.LineSearchSteps)
            {
                SetPolicy(old);
                Record(values, 0, 0, 0, k, expected);
            }
        }
        return true;
    }

    private void Record(Dictionary<string, double> values, double improvement, double kl, double fraction, int steps, double expected)
    {
        values["losses/surrogate"] = improvement;
        values["trpo/kl"] = kl;
        values["losses/approx_kl"] = kl;
        values["trpo/step_fraction"] = fraction;
        values["trpo/line_search_steps"] = steps;
        values["trpo/expected_improvement"] = expected;
        LastStep = (kl, fraction);
    }

    /// <summary>Adam on the squared error of V against the GAE returns, value_epochs passes of shuffled minibatches.</summary>
    private bool FitValue(OnPolicyBatch batch, Dictionary<string, double> values)
    {
        int rows = batch.Rows;
        int minibatch = Math.Min(_config.ValueMinibatchSize, rows);
        var order = new long[rows];
        double sum = 0;
        int steps = 0;
        for (int epoch = 0; epoch < _config.ValueEpochs; epoch++)
        {
            using var epochOrder = Minibatches.Epoch(order, _rng, _model.Device);
            for (int start = 0; start + minibatch <= rows; start += minibatch)
            {
                using var scope = NewDisposeScope();
                var index = epochOrder.narrow(0, start, minibatch);
                var value = _model.Value.forward(batch.Observations.index_select(0, index)).squeeze(-1);
                var error = value.sub(batch.Returns.index_select(0, index));
                var loss = error.mul(error).mean();
                _valueOptimizer.ZeroGrad();
                loss.backward();
                double norm = GradientClipping.ClipGlobalNorm(_valueParameters, double.PositiveInfinity);
                float lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue) || !double.IsFinite(norm))
                {
                    _valueOptimizer.ZeroGrad();
                    return false;
                }
                _valueOptimizer.Step();
                sum += lossValue;
                steps++;
            }
        }
        if (steps > 0) values["losses/value_loss"] = sum / steps;
        return true;
    }

    public void Save(CheckpointWriter writer)
    {
        writer.AddOptimizer(ValueOptimizerFile, _valueOptimizer);
        writer.AddBinary(StateFile, w => RngState.Write(w, _rng.GetState()));
    }

    public void Load(CheckpointReader checkpoint)
    {
        LoadLearner(checkpoint);
        checkpoint.ReadBinary(StateFile, r => _rng.SetState(RngState.Read(r)));
    }

    public void LoadLearner(CheckpointReader checkpoint) => checkpoint.ReadOptimizer(ValueOptimizerFile, _valueOptimizer);

    public void Dispose()
    {
        _valueOptimizer.Dispose();
        _entropyCoef.Dispose();
        _damping.Dispose();
    }
}
