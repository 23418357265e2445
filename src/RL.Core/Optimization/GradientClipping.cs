using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace RL.Core.Optimization;

/// <summary>
/// Global gradient-norm clipping (Pascanu et al. 2013; Reason8 clips at 10): scale every gradient by
/// max_norm / (‖g‖ + 1e-6) when the global L2 norm ‖g‖ exceeds max_norm. Written here instead of calling
/// nn.utils.clip_grad_norm_ so its coefficient is a Scalar kept alive across the native call (see
/// <see cref="AdamOptimizer"/> for why that matters).
/// </summary>
public static class GradientClipping
{
    /// <summary>Clips in place and returns the global norm before clipping (NaN or ∞ when a gradient is not finite; then nothing is scaled).</summary>
    public static double ClipGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be positive.");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var grads = new List<Tensor>(parameters.Count);
        foreach (var p in parameters)
            if (p.grad is { } g) grads.Add(g);
        if (grads.Count == 0) return 0;
        var norms = torch.stack(grads.Select(g => g.norm()).ToArray());
        double total = norms.norm().item<float>();
        if (double.IsFinite(total) && total > maxNorm)
        {
            using var coefficient = (maxNorm / (total + 1e-6)).ToScalar();
            foreach (var g in grads) g.mul_(coefficient);
        }
        return total;
    }
}
