using RL.Core.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// π(a | s): an <see cref="Mlp"/> whose output is the distribution's parameters (Gaussian means or Bernoulli
/// logits), and for the Gaussian a learned log-std row independent of the state (baselines PPO1/TRPO, Pavlov et al.).
/// </summary>
public sealed class PolicyNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Mlp net;
    private readonly Parameter? log_std;

    public PolicyNetwork(long observationSize, long actionSize, MlpConfig config, bool hasLogStd, double initialLogStd)
        : base("PolicyNetwork")
    {
        net = new Mlp(observationSize, actionSize, config, name: "PolicyMlp");
        if (hasLogStd) log_std = new Parameter(torch.tensor(Enumerable.Repeat((float)initialLogStd, (int)actionSize).ToArray()));
        RegisterComponents();
    }

    /// <summary>The learned log-std row, or null for a Bernoulli policy.</summary>
    public Tensor? LogStd => log_std;

    /// <summary>The distribution's parameters per row: means or logits.</summary>
    public override Tensor forward(Tensor observation) => net.forward(observation);
}
