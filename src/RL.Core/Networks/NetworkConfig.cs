using RL.Core.Config;

namespace RL.Core.Networks;

/// <summary>Hidden-layer nonlinearity (l2r-training-recipes.md §6.4: ELU/ReLU/SELU/tanh).</summary>
public enum Activation
{
    [ConfigDoc("max(0, x) (Lillicrap et al.).")]
    Relu,
    [ConfigDoc("x for x > 0, eˣ − 1 otherwise (Reason8's actor).")]
    Elu,
    [ConfigDoc("Scaled ELU (PKU/Megvii's networks).")]
    Selu,
    [ConfigDoc("tanh(x) (Reason8's critic).")]
    Tanh,
    [ConfigDoc("x for x > 0, 0.01·x otherwise.")]
    LeakyRelu,
}

/// <summary>How the actor's output is squashed into [0, 1] before it is mapped onto the action space.</summary>
public enum ActorOutput
{
    [ConfigDoc("σ(x) (Reason8).")]
    Sigmoid,
    [ConfigDoc("(tanh(x) + 1) / 2 (PKU/Megvii's ACE, the Run-Skeleton-Run port).")]
    [ConfigKey("tanh01")]
    Tanh01,
}

/// <summary>NoisyNet layers in the actor (Fortunato et al. 2018; l2r-training-recipes.md §5.5, form 3).</summary>
public enum NoisyLayers
{
    [ConfigDoc("Plain Linear layers.")]
    None,
    [ConfigDoc("Factorised Gaussian noise, initial σ = σ₀/√fan_in.")]
    Factorised,
    [ConfigDoc("Independent Gaussian noise per weight, initial σ = σ₀.")]
    Independent,
}

/// <summary>An MLP: each hidden layer is Linear → optional LayerNorm → activation; the output layer is Linear.</summary>
public record MlpConfig
{
    [ConfigDoc("Hidden layer widths, input side first.",
        Unit = "units per layer", Source = "Lillicrap et al. 2015 (400, 300; Reason8 e2ffeaa: actor 64-64-32, critic 64-32)")]
    [ConfigCount(1, 16)]
    [ConfigRange(1, 65536)]
    public int[] Hidden { get; init; } = { 64, 64 };

    [ConfigDoc("Nonlinearity of every hidden layer.",
        Unit = "-", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: actor elu, critic tanh)")]
    public Activation Activation { get; init; } = Activation.Relu;

    [ConfigDoc("LayerNorm (Ba et al. 2016) after each hidden Linear, before the activation; never on the output layer, and parameter noise never perturbs it.",
        Unit = "-", Source = "Lillicrap et al. 2015 (none; they used batch norm; Reason8 e2ffeaa: on in both networks)")]
    public bool LayerNorm { get; init; } = true;

    [ConfigDoc("LayerNorm ε, added to the variance inside the square root.",
        Unit = "-", Source = "PyTorch's LayerNorm default (Reason8's Theano code: 1e-4)")]
    [ConfigRange(0, 1, MinExclusive = true)]
    public double LayerNormEps { get; init; } = 1e-5;

    [ConfigDoc("When > 0 the output layer's weights and biases start from U(−x, x); 0 keeps the default init of a Linear layer.",
        Unit = "-", Source = "Lillicrap et al. 2015 (3e-3)")]
    [ConfigRange(0, 10)]
    public double OutputInit { get; init; }
}

/// <summary>The deterministic actor: an MLP with a squashed output mapped onto the action space.</summary>
public sealed record ActorNetworkConfig : MlpConfig
{
    [ConfigDoc("How the actor's output is squashed into [0, 1] before it is mapped onto the action space.",
        Unit = "-", Source = "Reason8 e2ffeaa")]
    public ActorOutput Output { get; init; } = ActorOutput.Sigmoid;

    [ConfigDoc("Replace the actor's Linear layers by NoisyNet layers (Fortunato et al. 2018): learned exploration noise, drawn at every forward pass while training; evaluation uses the mean weights. Excludes exploration.param_noise.",
        Unit = "-", Source = "Lillicrap et al. 2015 (none; the Run-Skeleton-Run port: factorised)")]
    public NoisyLayers Noisy { get; init; } = NoisyLayers.None;

    [ConfigDoc("NoisyNet σ₀: the initial σ is σ₀/√fan_in when factorised, σ₀ when independent (Fortunato et al. use 0.017 there).",
        Unit = "weight standard deviation", Source = "the Run-Skeleton-Run port (0.4, factorised)")]
    [ConfigRange(0, 10)]
    public double NoisySigma0 { get; init; } = 0.4;
}

/// <summary>The critic Q(s, a): an MLP over the concatenated [state, action] (the action enters at the input, recipes §5.4).</summary>
public sealed record CriticNetworkConfig : MlpConfig;
