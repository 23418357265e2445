using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RL.Core.Networks;

/// <summary>Q(s, a): an <see cref="Mlp"/> over [s, a] concatenated at the input (recipes §5.4), one output.</summary>
public sealed class Critic : Module<Tensor, Tensor, Tensor>
{
    private readonly Mlp mlp;

    public Critic(long observationSize, long actionSize, CriticNetworkConfig config) : base("Critic")
    {
        Config = config;
        mlp = new Mlp(observationSize + actionSize, 1, config);
        RegisterComponents();
    }

    public CriticNetworkConfig Config { get; }
    public Mlp Body => mlp;

    /// <summary>Returns Q as a [batch, 1] tensor.</summary>
    public override Tensor forward(Tensor observation, Tensor action) => mlp.forward(torch.cat(new[] { observation, action }, 1));
}
