using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RL.Core.Networks;

/// <summary>
/// A multi-layer perceptron whose hidden layers are Linear → optional LayerNorm → activation and whose output
/// layer is a plain Linear (l2r-training-recipes.md §5.4: no LayerNorm on the output). Optionally every Linear
/// is a <see cref="NoisyLinear"/>. Parameters are created with TorchSharp's default initialisation from the
/// global generator, so seeding it first (torch.manual_seed) fixes them.
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Sequential body;
    private readonly Module<Tensor, Tensor> output;
    private readonly List<Module> _linears = new();

    public Mlp(long inputSize, long outputSize, MlpConfig config, NoisyLayers noisy = NoisyLayers.None,
        double noisySigma0 = 0.4, Generator? noiseGenerator = null, string name = "Mlp")
        : base(name)
    {
        if (noisy != NoisyLayers.None && noiseGenerator is null)
            throw new ArgumentException("NoisyNet layers need a noise generator.", nameof(noiseGenerator));
        InputSize = inputSize;
        OutputSize = outputSize;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long width = inputSize;
        for (int i = 0; i < config.Hidden.Length; i++)
        {
            var linear = MakeLinear(width, config.Hidden[i], noisy, noisySigma0, noiseGenerator);
            layers.Add(($"fc{i}", linear));
            if (config.LayerNorm) layers.Add(($"ln{i}", new FinalizerSafeLayerNorm(config.Hidden[i], config.LayerNormEps)));
            layers.Add(($"act{i}", MakeActivation(config.Activation)));
            width = config.Hidden[i];
        }
        body = nn.Sequential(layers);
        output = MakeLinear(width, outputSize, noisy, noisySigma0, noiseGenerator);
        if (config.OutputInit > 0)
        {
            using var _ = torch.no_grad();
            foreach (var p in output.parameters()) p.uniform_(-config.OutputInit, config.OutputInit);
        }
        RegisterComponents();
        foreach (var (_, m) in named_modules())
            if (m is TorchSharp.Modules.Linear or NoisyLinear) _linears.Add(m);
    }

    public long InputSize { get; }
    public long OutputSize { get; }

    /// <summary>
    /// The weights and biases of the Linear (or NoisyLinear μ) layers: what parameter noise perturbs. LayerNorm
    /// gains and biases are not among them (Reason8 and baselines exclude them; recipes §5.4).
    /// </summary>
    public IEnumerable<Parameter> PerturbableParameters()
    {
        foreach (var m in _linears)
        {
            if (m is NoisyLinear noisy)
            {
                yield return noisy.WeightMu;
                yield return noisy.BiasMu;
            }
            else
            {
                foreach (var p in m.parameters()) yield return p;
            }
        }
    }

    public override Tensor forward(Tensor input) => output.forward(body.forward(input));

    private static Module<Tensor, Tensor> MakeLinear(long input, long outputSize, NoisyLayers noisy, double sigma0, Generator? generator) => noisy switch
    {
        NoisyLayers.None => nn.Linear(input, outputSize),
        NoisyLayers.Factorised => new NoisyLinear(input, outputSize, factorised: true, sigma0, generator!),
        _ => new NoisyLinear(input, outputSize, factorised: false, sigma0, generator!),
    };

    private static Module<Tensor, Tensor> MakeActivation(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        // ELU and LeakyReLU own their Scalars: TorchSharp's modules convert them at every call (issue 10).
        Activation.Elu => new OwnedElu(),
        Activation.Selu => nn.SELU(),
        Activation.Tanh => nn.Tanh(),
        Activation.LeakyRelu => new OwnedLeakyRelu(0.01),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
