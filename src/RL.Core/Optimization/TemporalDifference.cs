using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Optimization;

/// <summary>Bootstrapped value targets and the losses that use them.</summary>
public static class TemporalDifference
{
    /// <summary>
    /// The one-step target y = r + γ·(1 − terminal)·Q'(s', μ'(s')) (recipes §5.6), as one fused op.
    /// <paramref name="notTerminal"/> is 0 only for true terminal states: a time-limit truncation keeps 1 and
    /// bootstraps from its final observation (the horizon hack NNAISENSE used, done right in replay).
    /// </summary>
    public static Tensor Target(Tensor reward, Tensor notTerminal, Tensor nextQ, double gamma)
    {
        // An explicit Scalar kept alive until the call returns (an implicit one can be finalized mid-call: AdamOptimizer).
        using var g = gamma.ToScalar();
        return torch.addcmul(reward, notTerminal, nextQ, g);
    }

    /// <summary>
    /// Huber ("quadric-linear") loss, mean over the batch: ½x² for |x| ≤ δ, δ(|x| − ½δ) beyond (Reason8's critic
    /// loss with δ = 10; recipes §3.3).
    /// </summary>
    public static Tensor Huber(Tensor prediction, Tensor target, double delta) =>
        nn.functional.huber_loss(prediction, target, delta, nn.Reduction.Mean);
}
