using RL.Core.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RL.Core.Networks;

/// <summary>
/// A NoisyNet layer (Fortunato et al. 2018, arXiv 1706.10295): y = (μ_W + σ_W ⊙ ε_W)x + μ_b + σ_b ⊙ ε_b with
/// learned μ and σ. In training mode ε is drawn afresh at every forward pass (as in the Run-Skeleton-Run port,
/// common/modules/NoisyLinear.py); in eval mode the layer is the deterministic μ layer. ε comes from the
/// generator handed in, so the noise is reproducible and its state is saved in checkpoints.
/// </summary>
public sealed class NoisyLinear : Module<Tensor, Tensor>
{
    private readonly Parameter weight_mu;
    private readonly Parameter weight_sigma;
    private readonly Parameter bias_mu;
    private readonly Parameter bias_sigma;
    private readonly Generator _generator;
    private readonly bool _factorised;
    private readonly long _in;
    private readonly long _out;

    public NoisyLinear(long inFeatures, long outFeatures, bool factorised, double sigma0, Generator generator, string name = "NoisyLinear")
        : base(name)
    {
        _in = inFeatures;
        _out = outFeatures;
        _factorised = factorised;
        _generator = generator;
        // Initial values as in Fortunato et al. §3.2: factorised μ ~ U(±1/√p), σ = σ₀/√p; independent μ ~ U(±√(3/p)), σ = σ₀.
        double bound = factorised ? 1.0 / Math.Sqrt(inFeatures) : Math.Sqrt(3.0 / inFeatures);
        double sigma = factorised ? sigma0 / Math.Sqrt(inFeatures) : sigma0;
        // torch.full takes its fill value as a Scalar: one held across both calls (an implicit one can be freed mid-call, issue 10).
        using var sigmaScalar = sigma.ToScalar();
        weight_mu = new Parameter(torch.empty(outFeatures, inFeatures).uniform_(-bound, bound));
        weight_sigma = new Parameter(torch.full(new long[] { outFeatures, inFeatures }, sigmaScalar));
        bias_mu = new Parameter(torch.empty(outFeatures).uniform_(-bound, bound));
        bias_sigma = new Parameter(torch.full(new long[] { outFeatures }, sigmaScalar));
        RegisterComponents();
    }

    /// <summary>The learned μ weight (the deterministic layer) and the σ parameters.</summary>
    public Parameter WeightMu => weight_mu;
    public Parameter WeightSigma => weight_sigma;
    public Parameter BiasMu => bias_mu;
    public Parameter BiasSigma => bias_sigma;

    public override Tensor forward(Tensor input)
    {
        if (!training) return nn.functional.linear(input, weight_mu, bias_mu);
        using var scope = torch.NewDisposeScope();
        Tensor epsW, epsB;
        if (_factorised)
        {
            var epsIn = Scale(torch.randn(_in, generator: _generator)).to(weight_mu.device);
            var epsOut = Scale(torch.randn(_out, generator: _generator)).to(weight_mu.device);
            epsW = torch.outer(epsOut, epsIn);
            epsB = epsOut;
        }
        else
        {
            epsW = torch.randn(new[] { _out, _in }, generator: _generator).to(weight_mu.device);
            epsB = torch.randn(_out, generator: _generator).to(weight_mu.device);
        }
        // μ + σ⊙ε as add with an owned alpha: the + operator passes TorchSharp's own alpha = 1 (issue 10).
        var w = weight_mu.add(weight_sigma.mul(epsW), OwnedScalars.One);
        var b = bias_mu.add(bias_sigma.mul(epsB), OwnedScalars.One);
        return nn.functional.linear(input, w, b).MoveToOuterDisposeScope();
    }

    // f(x) = sign(x)·√|x| (Fortunato et al. eq. 11).
    private static Tensor Scale(Tensor x) => x.sign().mul(x.abs().sqrt());
}
