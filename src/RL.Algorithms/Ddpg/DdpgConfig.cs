using RL.Core.Config;
using RL.Core.Exploration;
using RL.Core.Networks;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// DDPG hyperparameters (Lillicrap et al. 2015, arXiv 1509.02971), with every trick of the 2017 Learning-to-Run
/// DDPG teams as a switch (recipes §3.3, §5). The defaults are the original paper's (recipes §5.7) where it
/// defines them; the Reason8 recipe and its ablations are in experiments/configs/.
/// </summary>
public sealed record DdpgConfig : IValidatedConfig
{
    public ActorNetworkConfig Actor { get; init; } = new() { Hidden = new[] { 400, 300 }, LayerNorm = false, OutputInit = 3e-3 };
    public CriticNetworkConfig Critic { get; init; } = new() { Hidden = new[] { 400, 300 }, LayerNorm = false, OutputInit = 3e-3 };

    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    /// <summary>Polyak coefficient τ of the soft target updates (Reason8: 1e-4).</summary>
    [ConfigRange(0, 1, MinExclusive = true)]
    public double Tau { get; init; } = 1e-3;

    /// <summary>Actor learning rate, decayed linearly over env steps (Reason8: 1e-3 → 5e-5 over 10^7).</summary>
    public LinearSchedule ActorLr { get; init; } = LinearSchedule.Constant(1e-4);

    /// <summary>Critic learning rate, decayed linearly over env steps (Reason8: 2e-3 → 5e-5 over 10^7).</summary>
    public LinearSchedule CriticLr { get; init; } = LinearSchedule.Constant(1e-3);

    [ConfigRange(0, 1)]
    public double AdamBeta1 { get; init; } = 0.9;

    [ConfigRange(0, 1)]
    public double AdamBeta2 { get; init; } = 0.999;

    [ConfigRange(0, 1, MinExclusive = true)]
    public double AdamEps { get; init; } = 1e-8;

    /// <summary>Global gradient-norm clip per network; 0 for none (Reason8: 10).</summary>
    [ConfigRange(0, 1e9)]
    public double GradClip { get; init; }

    /// <summary>Huber δ of the critic loss; 0 for the squared error (Reason8: 10).</summary>
    [ConfigRange(0, 1e9)]
    public double HuberDelta { get; init; }

    /// <summary>Transitions sampled per update, before mirroring (Reason8 final: 1000; the PyTorch port: 256).</summary>
    [ConfigRange(1, 1_000_000)]
    public int BatchSize { get; init; } = 64;

    [ConfigRange(1, 1e10)]
    public long BufferSize { get; init; } = 1_000_000;

    /// <summary>Transitions collected before learning starts (Reason8: 10^4).</summary>
    [ConfigRange(1, 1e10)]
    public long Warmup { get; init; } = 10_000;

    /// <summary>Probability that a batch is concatenated with its left/right mirror image (Reason8 final: 1).</summary>
    [ConfigRange(0, 1)]
    public double FlipProb { get; init; }

    public ExplorationConfig Exploration { get; init; } = new();

    public void Validate(Action<string, string> error)
    {
        if (Warmup < BatchSize) error("warmup", $"{Warmup} is below batch_size {BatchSize}: the first batch needs that many transitions.");
        if (BufferSize < Warmup) error("buffer_size", $"{BufferSize} is below warmup {Warmup}, so learning would never start.");
        if (Actor.Noisy != NoisyLayers.None && Exploration.ParamNoise != ParameterNoiseKind.None)
            error("exploration.param_noise", "cannot be combined with NoisyNet actor layers (actor.noisy), which are a form of parameter noise themselves; choose one.");
    }
}
