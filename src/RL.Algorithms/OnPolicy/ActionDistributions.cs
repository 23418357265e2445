using RL.Core.Tensors;
using RL.Envs.Random;
using RL.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// The two action distributions of the on-policy learners, as closed forms over a batch: the policy network's
/// output (Gaussian means or Bernoulli logits) plus, for the Gaussian, the state-independent log-std row. Every
/// function returns one value per row, summed over action elements. Sampling runs in C# on the run's own RNG
/// stream, so a seed fixes the actions whatever libtorch's generator does. Every Scalar passed to TorchSharp is
/// a static field (dotnet/TorchSharp#1434; issue 10).
/// </summary>
public abstract class ActionDistribution
{
    protected static readonly Scalar Half = 0.5.ToScalar();
    protected static readonly Scalar MinusHalf = (-0.5).ToScalar();

    public static ActionDistribution For(PolicyDistribution kind, Box actionSpace) => kind switch
    {
        PolicyDistribution.Gaussian => new DiagonalGaussian(actionSpace),
        PolicyDistribution.Bernoulli => new BernoulliPerElement(actionSpace),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    protected ActionDistribution(Box actionSpace) => ActionSpace = actionSpace;

    public Box ActionSpace { get; }

    /// <summary>True when the distribution has a learned log-std row.</summary>
    public abstract bool HasLogStd { get; }

    /// <summary>log π(a | s) for each row of <paramref name="head"/> and <paramref name="actions"/> ([B, A] each).</summary>
    public abstract Tensor LogProb(Tensor head, Tensor? logStd, Tensor actions);

    public abstract Tensor Entropy(Tensor head, Tensor? logStd);

    /// <summary>KL(old ‖ new) per row.</summary>
    public abstract Tensor Kl(Tensor oldHead, Tensor? oldLogStd, Tensor head, Tensor? logStd);

    /// <summary>Draws one action row from the row's parameters (<paramref name="head"/>: its means or logits).</summary>
    public abstract void Sample(ReadOnlySpan<float> head, ReadOnlySpan<float> logStd, Xoshiro256 rng, Span<float> action);

    /// <summary>The action of the deterministic policy (evaluation): the Gaussian mean or the Bernoulli mode.</summary>
    public abstract void Mode(ReadOnlySpan<float> head, Span<float> action);

    /// <summary>
    /// What the env receives for a drawn action: the Gaussian sample clipped into the box (learning uses the
    /// unclipped sample's log-probability), the Bernoulli 0/1 mapped onto the box's low/high bound. Returns the
    /// number of elements that were clipped.
    /// </summary>
    public abstract int ToEnv(ReadOnlySpan<float> action, Span<float> envAction);

    /// <summary>softplus(x) = log(1 + eˣ) as relu(x) + log1p(e^−|x|): stable, and no Scalar argument.</summary>
    protected static Tensor Softplus(Tensor x) => x.relu().add(x.abs().neg().exp().log1p(), OwnedScalars.One);
}

/// <summary>N(μ(s), diag(σ²)) with log σ a learned row independent of the state (baselines' DiagGaussianPd).</summary>
public sealed class DiagonalGaussian : ActionDistribution
{
    // ½·log(2π) and ½·(1 + log 2π): the constant terms of the log-density and the entropy per element.
    private static readonly Scalar HalfLog2Pi = (0.5 * Math.Log(2 * Math.PI)).ToScalar();
    private static readonly Scalar HalfLog2PiE = (0.5 * (1 + Math.Log(2 * Math.PI))).ToScalar();

    public DiagonalGaussian(Box actionSpace) : base(actionSpace)
    {
    }

    public override bool HasLogStd => true;

    public override Tensor LogProb(Tensor head, Tensor? logStd, Tensor actions)
    {
        var z = actions.sub(head).mul(logStd!.neg().exp());
        // −½ z² − log σ − ½ log 2π, summed over elements.
        return z.mul(z).mul(MinusHalf).sub(logStd!).sub(HalfLog2Pi).sum(-1);
    }

    public override Tensor Entropy(Tensor head, Tensor? logStd) =>
        logStd!.add(HalfLog2PiE, OwnedScalars.One).sum(-1).expand(head.shape[0]);

    public override Tensor Kl(Tensor oldHead, Tensor? oldLogStd, Tensor head, Tensor? logStd)
    {
        // log(σ₁/σ₀) + (σ₀² + (μ₀ − μ₁)²) / (2σ₁²) − ½
        var oldVar = oldLogStd!.add(oldLogStd, OwnedScalars.One).exp();
        var newVar = logStd!.add(logStd, OwnedScalars.One).exp();
        var d = oldHead.sub(head);
        var num = d.mul(d).add(oldVar, OwnedScalars.One);
        return logStd.sub(oldLogStd).add(num.div(newVar.add(newVar, OwnedScalars.One)), OwnedScalars.One).sub(Half).sum(-1);
    }

    public override void Sample(ReadOnlySpan<float> head, ReadOnlySpan<float> logStd, Xoshiro256 rng, Span<float> action)
    {
        for (int k = 0; k < action.Length; k++) action[k] = (float)(head[k] + Math.Exp(logStd[k]) * rng.NextGaussian());
    }

    public override void Mode(ReadOnlySpan<float> head, Span<float> action) => head.CopyTo(action);

    public override int ToEnv(ReadOnlySpan<float> action, Span<float> envAction)
    {
        int clipped = 0;
        for (int k = 0; k < action.Length; k++)
        {
            float c = Math.Clamp(action[k], ActionSpace.Low[k], ActionSpace.High[k]);
            if (c != action[k]) clipped++;
            envAction[k] = c;
        }
        return clipped;
    }
}

/// <summary>
/// One Bernoulli per action element with logit l: P(1) = σ(l). NNAISENSE's binary muscles (recipes §3.1): the
/// env gets the element's low bound for 0 and its high bound for 1 (for L2R, excitation 0 or 1).
/// </summary>
public sealed class BernoulliPerElement : ActionDistribution
{
    public BernoulliPerElement(Box actionSpace) : base(actionSpace)
    {
    }

    public override bool HasLogStd => false;

    // log P(a) = a·l − softplus(l)
    public override Tensor LogProb(Tensor head, Tensor? logStd, Tensor actions) =>
        actions.mul(head).sub(Softplus(head)).sum(-1);

    // H = softplus(l) − σ(l)·l
    public override Tensor Entropy(Tensor head, Tensor? logStd) => Softplus(head).sub(head.sigmoid().mul(head)).sum(-1);

    // p₀(log p₀ − log p₁) + (1 − p₀)(log(1 − p₀) − log(1 − p₁)), with log p = −softplus(−l) and log(1 − p) = −softplus(l).
    public override Tensor Kl(Tensor oldHead, Tensor? oldLogStd, Tensor head, Tensor? logStd)
    {
        var p0 = oldHead.sigmoid();
        var ones = p0.ones_like();
        var onTerm = Softplus(head.neg()).sub(Softplus(oldHead.neg())).mul(p0);
        var offTerm = Softplus(head).sub(Softplus(oldHead)).mul(ones.sub(p0));
        return onTerm.add(offTerm, OwnedScalars.One).sum(-1);
    }

    public override void Sample(ReadOnlySpan<float> head, ReadOnlySpan<float> logStd, Xoshiro256 rng, Span<float> action)
    {
        for (int k = 0; k < action.Length; k++)
        {
            double p = 1.0 / (1.0 + Math.Exp(-head[k]));
            action[k] = rng.NextDouble() < p ? 1f : 0f;
        }
    }

    public override void Mode(ReadOnlySpan<float> head, Span<float> action)
    {
        for (int k = 0; k < action.Length; k++) action[k] = head[k] > 0 ? 1f : 0f;
    }

    public override int ToEnv(ReadOnlySpan<float> action, Span<float> envAction)
    {
        for (int k = 0; k < action.Length; k++) envAction[k] = action[k] > 0.5f ? ActionSpace.High[k] : ActionSpace.Low[k];
        return 0;
    }
}
