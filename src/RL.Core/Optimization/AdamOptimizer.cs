using RL.Core.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace RL.Core.Optimization;

/// <summary>
/// Adam (Kingma and Ba 2015) in PyTorch's single-tensor form: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
/// <para>
/// Why not TorchSharp's optim.Adam: it passes every coefficient as an implicitly converted <see cref="Scalar"/>
/// that nothing keeps alive during the native call, so a garbage collection on another thread can let the
/// finalizer free it while libtorch still reads it (dotnet/TorchSharp#1434, #1496). We met this as a random
/// "Expected false to be true ... toFloat" failure inside addcmul_ in CI. Here every Scalar is either a field of
/// this optimizer or a <c>using</c> local, alive until after the call that reads it, and disposed deterministically;
/// that includes the alpha of <c>add_(ε)</c>, which TorchSharp would convert itself (issue 10: a 2-core run died there).
/// </para>
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _m, _v, _denominator;
    private readonly double _beta1, _beta2, _eps;
    private readonly Scalar _beta1S, _oneMinusBeta1S, _beta2S, _oneMinusBeta2S, _epsS;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be ≥ 0.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "ε must be positive.");
        _parameters = parameters.ToArray();
        LearningRate = learningRate;
        (_beta1, _beta2, _eps) = (beta1, beta2, eps);
        _m = new Tensor[_parameters.Length];
        _v = new Tensor[_parameters.Length];
        _denominator = new Tensor[_parameters.Length];
        using (torch.no_grad())
            for (int i = 0; i < _parameters.Length; i++)
            {
                _m[i] = torch.zeros_like(_parameters[i]).DetachFromDisposeScope();
                _v[i] = torch.zeros_like(_parameters[i]).DetachFromDisposeScope();
                _denominator[i] = torch.empty_like(_parameters[i]).DetachFromDisposeScope();
            }
        _beta1S = beta1.ToScalar();
        _oneMinusBeta1S = (1 - beta1).ToScalar();
        _beta2S = beta2.ToScalar();
        _oneMinusBeta2S = (1 - beta2).ToScalar();
        _epsS = eps.ToScalar();
    }

    public double LearningRate { get; set; }

    /// <summary>Steps taken (t in the bias corrections).</summary>
    public long Steps { get; private set; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Zeroes every gradient in place (they stay allocated: backward then accumulates without allocating).</summary>
    public void ZeroGrad()
    {
        using var _ = torch.no_grad();
        foreach (var p in _parameters)
        {
            using var g = p.grad;
            g?.zero_();
        }
    }

    /// <summary>One Adam step from the parameters' current gradients; parameters without a gradient are left alone.</summary>
    public void Step()
    {
        Steps++;
        double biasCorrection1 = 1 - Math.Pow(_beta1, Steps);
        double biasCorrection2 = 1 - Math.Pow(_beta2, Steps);
        using var negativeStepSize = (-LearningRate / biasCorrection1).ToScalar();
        using var sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using var _ = torch.no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            using var g = _parameters[i].grad;
            if (g is null) continue;
            _m[i].mul_(_beta1S).add_(g, _oneMinusBeta1S);
            _v[i].mul_(_beta2S).addcmul_(g, g, _oneMinusBeta2S);
            // √v into a buffer kept for the optimiser's lifetime: no tensor allocated per parameter and step.
            _denominator[i].copy_(_v[i]).sqrt_().div_(sqrtBiasCorrection2).add_(_epsS, OwnedScalars.One);
            _parameters[i].addcdiv_(_m[i], _denominator[i], negativeStepSize);
        }
    }

    /// <summary>Writes t, the learning rate, β₁, β₂, ε and both moment tensors (float32, row-major, from any device).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write("adam/v1");
        writer.Write(Steps);
        writer.Write(LearningRate);
        writer.Write(_beta1);
        writer.Write(_beta2);
        writer.Write(_eps);
        writer.Write(_parameters.Length);
        for (int i = 0; i < _parameters.Length; i++)
        {
            WriteTensor(writer, _m[i]);
            WriteTensor(writer, _v[i]);
        }
    }

    /// <summary>Restores what <see cref="Save"/> wrote; a state for other parameters or other β, ε is an error naming the difference.</summary>
    public void Load(BinaryReader reader, string source)
    {
        string format = reader.ReadString();
        if (format != "adam/v1") throw new InvalidDataException($"{source}: optimiser state format '{format}' is not adam/v1.");
        long steps = reader.ReadInt64();
        double lr = reader.ReadDouble(), beta1 = reader.ReadDouble(), beta2 = reader.ReadDouble(), eps = reader.ReadDouble();
        if (beta1 != _beta1 || beta2 != _beta2 || eps != _eps)
            throw new InvalidDataException($"{source}: saved Adam has β₁ {beta1}, β₂ {beta2}, ε {eps}; this one {_beta1}, {_beta2}, {_eps}.");
        int n = reader.ReadInt32();
        if (n != _parameters.Length) throw new InvalidDataException($"{source}: saved Adam state covers {n} parameters, this optimiser {_parameters.Length}.");
        for (int i = 0; i < n; i++)
        {
            ReadTensor(reader, _m[i], source, i);
            ReadTensor(reader, _v[i], source, i);
        }
        Steps = steps;
        LearningRate = lr;
    }

    private static void WriteTensor(BinaryWriter writer, Tensor t)
    {
        // Every intermediate owned until the next call has read it (an unowned temporary can be finalized mid-call, issue 10).
        using var detached = t.detach();
        using var onCpu = detached.cpu();
        using var cpu = onCpu.contiguous();
        var data = cpu.data<float>().ToArray();
        writer.Write(data.Length);
        foreach (float f in data) writer.Write(f);
    }

    private static void ReadTensor(BinaryReader reader, Tensor into, string source, int index)
    {
        int count = reader.ReadInt32();
        if (count != into.numel()) throw new InvalidDataException($"{source}: Adam moment {index} has {count} values, the parameter {into.numel()}.");
        var data = new float[count];
        for (int k = 0; k < count; k++) data[k] = reader.ReadSingle();
        using var _ = torch.no_grad();
        using var loaded = torch.tensor(data, into.shape);
        into.copy_(loaded);
    }

    public void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
        foreach (var t in _denominator) t.Dispose();
        foreach (var s in new[] { _beta1S, _oneMinusBeta1S, _beta2S, _oneMinusBeta2S, _epsS }) s.Dispose();
    }
}
