using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace RL.Core.Networks;

/// <summary>
/// LayerNorm (Ba et al. 2016) over the last dimension, the same native op and parameters as <c>nn.LayerNorm(size, eps)</c>
/// (weight ones, bias zeros, state_dict keys <c>weight</c> and <c>bias</c>), so the same bits and checkpoints. TorchSharp
/// 0.107.0's LayerNorm disposes its weight and bias in <c>Dispose(bool)</c> even when its finalizer calls it, so a network
/// that became unreachable would invalidate Parameters that an optimiser or a perturber still held; seen as "Tensor
/// invalid -- empty handle" in a forced-GC test. Module's own Dispose frees registered parameters only when disposing.
/// </summary>
public sealed class FinalizerSafeLayerNorm : Module<Tensor, Tensor>
{
    private readonly long[] _shape;
    private readonly double _eps;
    // Field names are the state_dict keys of nn.LayerNorm; Module.to() replaces registered fields in place.
#pragma warning disable IDE1006
    private Parameter weight;
    private Parameter bias;
#pragma warning restore IDE1006

    public FinalizerSafeLayerNorm(long size, double eps) : base("LayerNorm")
    {
        _shape = new[] { size };
        _eps = eps;
        weight = new Parameter(torch.ones(size));
        bias = new Parameter(torch.zeros(size));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, _shape, weight, bias, _eps);
}
