using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RL.Core.Networks;

/// <summary>
/// ELU (Clevert et al. 2016) with its Scalars owned by the module. TorchSharp's <c>nn.ELU</c> converts its α to a
/// Scalar at every forward pass and nothing keeps it alive during the native call (dotnet/TorchSharp#1434; issue 10
/// saw a run die in <c>THSTensor_elu</c>). Same native op and arguments as <c>nn.ELU(α)</c>, so the same bits; no
/// parameters or buffers, so checkpoints written with <c>nn.ELU</c> load unchanged.
/// </summary>
public sealed class OwnedElu : Module<Tensor, Tensor>
{
    private readonly Scalar _alpha, _scale, _inputScale;

    public OwnedElu(double alpha = 1.0) : base("ELU")
    {
        _alpha = alpha.ToScalar();
        _scale = 1.0.ToScalar();
        _inputScale = 1.0.ToScalar();
    }

    public override Tensor forward(Tensor input) => input.elu(_alpha, _scale, _inputScale);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _alpha.Dispose();
            _scale.Dispose();
            _inputScale.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Leaky ReLU with its negative slope held as a Scalar of the module (see <see cref="OwnedElu"/> for why).</summary>
public sealed class OwnedLeakyRelu : Module<Tensor, Tensor>
{
    private readonly Scalar _slope;

    public OwnedLeakyRelu(double negativeSlope) : base("LeakyReLU") => _slope = negativeSlope.ToScalar();

    public override Tensor forward(Tensor input) => input.leaky_relu(_slope);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _slope.Dispose();
        base.Dispose(disposing);
    }
}
