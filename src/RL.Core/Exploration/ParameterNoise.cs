using RL.Core.Tensors;
using RL.Core.Networks;
using RL.Envs.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Exploration;

/// <summary>
/// Parameter-space noise (Plappert et al. 2018, arXiv 1706.01905): θ̃ = θ + σ·N(0, I) over the weights and
/// biases of the actor's Linear layers. LayerNorm gains and biases are copied unchanged (Reason8 excludes them,
/// baselines excludes every "LayerNorm" variable; recipes §5.4). Noise is drawn from the framework's own PRNG,
/// so a perturbation is reproducible and its stream is saved with checkpoints.
/// </summary>
public sealed class ParameterPerturber : IDisposable
{
    private readonly IReadOnlyList<Tensor> _cleanAll;
    private readonly IReadOnlyList<Tensor> _perturbedAll;
    private readonly IReadOnlyList<Tensor> _perturbable;
    private readonly float[] _noise;
    private readonly Tensor _noiseTensor;
    private readonly Tensor[] _noiseViews;

    /// <param name="clean">The actor whose parameters are the mean.</param>
    /// <param name="perturbed">An actor of the same architecture that receives θ̃.</param>
    public ParameterPerturber(DeterministicActor clean, DeterministicActor perturbed)
    {
        _cleanAll = clean.parameters().Select(p => (Tensor)p).ToList();
        _perturbedAll = perturbed.parameters().Select(p => (Tensor)p).ToList();
        if (_cleanAll.Count != _perturbedAll.Count) throw new ArgumentException("clean and perturbed actors differ in architecture.");
        _perturbable = perturbed.Body.PerturbableParameters().Select(p => (Tensor)p).ToList();
        long total = _perturbable.Sum(p => p.numel());
        _noise = new float[total];
        _noiseTensor = torch.frombuffer(_noise, ScalarType.Float32);
        _noiseViews = new Tensor[_perturbable.Count];
        long offset = 0;
        for (int i = 0; i < _perturbable.Count; i++)
        {
            long n = _perturbable[i].numel();
            _noiseViews[i] = BufferViews.Slice(_noiseTensor, offset, _perturbable[i].shape);
            offset += n;
        }
    }

    /// <summary>Number of perturbed scalars (Linear weights and biases only).</summary>
    public long PerturbedCount => _noise.Length;

    /// <summary>Sets the perturbed actor to clean + σ·ε with fresh ε.</summary>
    public void Perturb(double sigma, Xoshiro256 rng)
    {
        for (int i = 0; i < _noise.Length; i++) _noise[i] = (float)rng.NextGaussian();
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // An explicit Scalar alive across the calls (an implicit one can be finalized mid-call: see AdamOptimizer).
        using var alpha = sigma.ToScalar();
        for (int i = 0; i < _cleanAll.Count; i++) _perturbedAll[i].copy_(_cleanAll[i]);
        for (int i = 0; i < _perturbable.Count; i++)
        {
            var p = _perturbable[i];
            var eps = p.device.type == DeviceType.CPU ? _noiseViews[i] : _noiseViews[i].to(p.device);
            p.add_(eps, alpha);
        }
    }

    /// <summary>RMS action distance d = sqrt(mean((π(s) − π̃(s))²)) over a batch and the action dimensions (Plappert §3).</summary>
    public static double ActionDistance(Tensor a, Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        // d·d, not square(): square() is pow(2) with a Scalar TorchSharp converts and nobody holds (issue 10). Same bits.
        var d = a.sub(b);
        return d.mul(d).mean().sqrt().item<float>();
    }

    public void Dispose()
    {
        foreach (var v in _noiseViews) v.Dispose();
        _noiseTensor.Dispose();
    }
}

/// <summary>
/// Plappert et al.'s adaptive σ (baselines: ddpg/noise.py AdaptiveParamNoiseSpec): every K steps the distance d
/// between the clean and a perturbed policy is measured on a replay batch; σ ← σ/α when d &gt; δ, else σ·α.
/// </summary>
public sealed class AdaptiveParameterNoise
{
    public AdaptiveParameterNoise(double initialSigma, double alpha)
    {
        if (initialSigma <= 0 || alpha <= 1) throw new ArgumentException($"adaptive parameter noise needs σ > 0 and α > 1 (got σ {initialSigma}, α {alpha}).");
        Sigma = initialSigma;
        Alpha = alpha;
    }

    public double Sigma { get; private set; }
    public double Alpha { get; }
    public double LastDistance { get; private set; } = double.NaN;

    /// <summary>Moves σ towards the value whose action distance equals <paramref name="target"/>.</summary>
    public void Adapt(double distance, double target)
    {
        LastDistance = distance;
        Sigma = distance > target ? Sigma / Alpha : Sigma * Alpha;
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(Sigma);
        writer.Write(LastDistance);
    }

    public void Load(BinaryReader reader)
    {
        Sigma = reader.ReadDouble();
        LastDistance = reader.ReadDouble();
    }
}

/// <summary>The outcome of a σ search: the σ chosen, the distance it gave and how many trials it took.</summary>
public readonly record struct SigmaSearchResult(double Sigma, double Distance, int Trials);

/// <summary>
/// Reason8's final rule (fgvbrt/nips_rl agent.py set_params_noise; recipes §5.5 form 2): bisection of σ on
/// [0, σ_max] until the RMS action distance over the previous episode's states is within a tolerance of the
/// target δ (the current annealed OU σ). Each trial draws fresh noise, so d(σ) is noisy; the search stops at
/// the tolerance or after the trial limit and keeps the last perturbation.
/// </summary>
public static class BisectionParameterNoise
{
    /// <summary><paramref name="trial"/> perturbs with the given σ (fresh noise) and returns the resulting action distance.</summary>
    public static SigmaSearchResult Search(Func<double, double> trial, double target, double sigmaMax = 100, double tolerance = 1e-3, int maxTrials = 1000)
    {
        if (target <= 0) throw new ArgumentException($"the target action distance must be positive, got {target}.");
        double low = 0, high = sigmaMax;
        double sigma = (low + high) / 2;
        double distance = double.NaN;
        int trials = 0;
        while (trials < maxTrials)
        {
            distance = trial(sigma);
            trials++;
            double error = distance - target;
            if (Math.Abs(error) < tolerance) break;
            if (error > 0) high = sigma;
            else low = sigma;
            double next = (low + high) / 2;
            if (next == sigma) break;
            sigma = next;
        }
        return new SigmaSearchResult(sigma, distance, trials);
    }
}
