using RL.Core.Config;

namespace RL.Core.Networks;

/// <summary>Hidden-layer nonlinearity (l2r-training-recipes.md §6.4: ELU/ReLU/SELU/tanh).</summary>
public enum Activation
{
    Relu,
    Elu,
    Selu,
    Tanh,
    LeakyRelu,
}

/// <summary>How the actor's output is squashed into [0, 1] before it is mapped onto the action space.</summary>
public enum ActorOutput
{
    /// <summary>σ(x) (Reason8).</summary>
    Sigmoid,
    /// <summary>(tanh(x) + 1) / 2 (ACE, the Run-Skeleton-Run port).</summary>
    [ConfigKey("tanh01")]
    Tanh01,
}

/// <summary>NoisyNet layers in the actor (Fortunato et al. 2018; l2r-training-recipes.md §5.5, form 3).</summary>
public enum NoisyLayers
{
    None,
    /// <summary>Factorised Gaussian noise, σ₀/√fan_in initial σ.</summary>
    Factorised,
    /// <summary>Independent Gaussian noise per weight, σ₀ = 0.017 initial σ.</summary>
    Independent,
}

/// <summary>An MLP: each hidden layer is Linear → optional LayerNorm → activation; the output layer is Linear.</summary>
public record MlpConfig
{
    /// <summary>Hidden layer widths, input side first.</summary>
    [ConfigCount(1, 16)]
    [ConfigRange(1, 65536)]
    public int[] Hidden { get; init; } = { 64, 64 };

    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>LayerNorm after each hidden Linear (Ba et al. 2016; recipes §5.4). Never on the output layer.</summary>
    public bool LayerNorm { get; init; } = true;

    /// <summary>LayerNorm ε (Reason8's Theano code: 1e-4 inside the square root; PyTorch's default 1e-5).</summary>
    [ConfigRange(0, 1, MinExclusive = true)]
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>When &gt; 0, the output layer starts from U(−x, x) (Lillicrap et al. use 3e-3); 0 keeps the default init.</summary>
    [ConfigRange(0, 10)]
    public double OutputInit { get; init; }
}

/// <summary>The deterministic actor: an MLP with a squashed output mapped onto the action space.</summary>
public sealed record ActorNetworkConfig : MlpConfig
{
    public ActorOutput Output { get; init; } = ActorOutput.Sigmoid;

    /// <summary>Replace the actor's Linear layers by NoisyNet layers (learned exploration noise).</summary>
    public NoisyLayers Noisy { get; init; } = NoisyLayers.None;

    /// <summary>NoisyNet σ₀: factorised σ = σ₀/√fan_in (Scitator port: 0.4), independent σ = σ₀ (Fortunato: 0.017).</summary>
    [ConfigRange(0, 10)]
    public double NoisySigma0 { get; init; } = 0.4;
}

/// <summary>The critic Q(s, a): an MLP over the concatenated [state, action] (the action enters at the input, recipes §5.4).</summary>
public sealed record CriticNetworkConfig : MlpConfig;
