using RL.Core.Tensors;
using RL.Envs.Random;
using RL.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// TD3's target policy smoothing (Fujimoto et al. 2018 §5.3, eq. 14): ã = clip(μ'(s') + clip(ε, −c, c), low, high)
/// with ε ~ N(0, σ̃²). The paper's σ̃ = 0.2 and c = 0.5 are for actions in [−1, 1]; here both are in units of half the
/// action range, so the same numbers mean the same smoothing on L2R's [0, 1] excitations and Pendulum's [−2, 2] torque.
/// The noise comes from the learner's own seeded stream (not torch's generator), so a run is reproducible on CPU and
/// the stream's state is one checkpointed Xoshiro256.
/// </summary>
public sealed class TargetPolicySmoothing : IDisposable
{
    private readonly double _sigma, _clip;
    private readonly float[] _halfRange;
    private readonly Tensor _low, _high;

    public TargetPolicySmoothing(double sigma, double clip, Box actionSpace, ulong seed, Device device)
    {
        _sigma = sigma;
        _clip = clip;
        _halfRange = actionSpace.High.Zip(actionSpace.Low, (h, l) => (h - l) / 2).ToArray();
        _low = torch.tensor(actionSpace.Low, device: device);
        _high = torch.tensor(actionSpace.High, device: device);
        Rng = new Xoshiro256(seed);
    }

    /// <summary>The noise stream, for checkpoints.</summary>
    public Xoshiro256 Rng { get; }

    /// <summary>
    /// <paramref name="rows"/> × action-size noise, row-major: clip(σ̃·g, −c, c)·(high − low)/2 per element with g standard
    /// normal. Drawn in C# rather than with torch ops so that no Scalar is converted implicitly (TorchSharp#1434).
    /// </summary>
    public float[] DrawNoise(int rows)
    {
        int n = _halfRange.Length;
        var noise = new float[rows * n];
        for (int i = 0; i < noise.Length; i++)
            noise[i] = (float)(Math.Clamp(_sigma * Rng.NextGaussian(), -_clip, _clip) * _halfRange[i % n]);
        return noise;
    }

    /// <summary>The smoothed target action for a [rows, action size] batch of μ'(s'), clipped to the action box.</summary>
    public Tensor Apply(Tensor targetAction)
    {
        long rows = targetAction.shape[0], n = targetAction.shape[1];
        using var noise = torch.tensor(DrawNoise((int)rows), new long[] { rows, n }, device: targetAction.device);
        using var noisy = targetAction.add(noise, OwnedScalars.One);
        using var belowHigh = torch.minimum(noisy, _high);
        return torch.maximum(belowHigh, _low);
    }

    public void Dispose()
    {
        _low.Dispose();
        _high.Dispose();
    }
}
