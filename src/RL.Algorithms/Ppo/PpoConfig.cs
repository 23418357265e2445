using RL.Algorithms.OnPolicy;
using RL.Core.Config;
using RL.Core.Exploration;

namespace RL.Algorithms.Ppo;

/// <summary>
/// PPO hyperparameters (Schulman et al. 2017, arXiv 1707.06347). The defaults are the paper's MuJoCo settings
/// (= baselines PPO1 and SB3 where they agree); the 2017 Learning-to-Run recipes are in experiments/configs/.
/// </summary>
public sealed record PpoConfig : OnPolicyConfig, IValidatedConfig
{
    [ConfigDoc("Passes over the rollout per update.",
        Unit = "epochs", Source = "Schulman et al. 2017 (10; Pavlov et al. 4)")]
    [ConfigRange(1, 1000)]
    public int Epochs { get; init; } = 10;

    [ConfigDoc("Rows per gradient step (mirrored rows count: mirror doubles the rollout, so the steps per epoch double).",
        Unit = "rows", Source = "Schulman et al. 2017 (64; NNAISENSE 256)")]
    [ConfigRange(1, 1e8)]
    public int MinibatchSize { get; init; } = 64;

    [ConfigDoc("Clip range ε of the probability ratio, moved linearly over env steps.",
        Unit = "ratio", Source = "Schulman et al. 2017 (0.2)")]
    public LinearSchedule ClipRange { get; init; } = LinearSchedule.Constant(0.2);

    [ConfigDoc("When > 0, the value prediction is clipped to within this of the rollout's prediction and the larger of the two squared errors is used (baselines PPO2); 0 for the plain squared error.",
        Unit = "value (scaled reward)", Source = "Schulman et al. 2017 (none; baselines PPO2 0.2)")]
    [ConfigRange(0, 1e9)]
    public double ValueClip { get; init; }

    [ConfigDoc("Weight of the value loss in the summed loss (one Adam over both networks).",
        Unit = "-", Source = "baselines PPO1 (1; SB3 0.5)")]
    [ConfigRange(0, 1e6)]
    public double ValueCoef { get; init; } = 1;

    [ConfigDoc("Weight of the mean policy entropy subtracted from the loss.",
        Unit = "-", Source = "Schulman et al. 2017 MuJoCo (0; NNAISENSE 0)")]
    [ConfigRange(0, 100)]
    public double EntropyCoef { get; init; }

    [ConfigDoc("Adam learning rate, moved linearly over env steps.",
        Unit = "learning rate", Source = "Schulman et al. 2017 (3e-4)")]
    public LinearSchedule Lr { get; init; } = LinearSchedule.Constant(3e-4);

    [ConfigDoc("Adam's ε.",
        Unit = "-", Source = "baselines PPO1 (1e-5)")]
    [ConfigRange(0, 1, MinExclusive = true)]
    public double AdamEps { get; init; } = 1e-5;

    [ConfigDoc("Clip of the global gradient L2 norm over both networks per step; 0 for none.",
        Unit = "gradient L2 norm", Source = "SB3 (0.5); none in Schulman et al. 2017")]
    [ConfigRange(0, 1e9)]
    public double MaxGradNorm { get; init; }

    [ConfigDoc("With normalize_advantage: standardise the advantages of each minibatch at every gradient step instead of the whole rollout once (SB3's PPO does the former; the RL Zoo's table comes from it).",
        Unit = "-", Source = "SB3 PPO.train (per minibatch); baselines PPO1/PPO2 and Schulman et al. 2017 code (per rollout)")]
    public bool NormalizeAdvantagePerMinibatch { get; init; }

    /// <summary>The rollout is standardised once unless each minibatch is standardised on its own.</summary>
    public override bool StandardiseRolloutAdvantages() => NormalizeAdvantage && !NormalizeAdvantagePerMinibatch;

    [ConfigDoc("When > 0, the epochs stop once a minibatch's approximate KL (mean of (r − 1) − log r) exceeds 1.5 × this.",
        Unit = "nats", Source = "SB3 target_kl (none by default)")]
    [ConfigRange(0, 100)]
    public double TargetKl { get; init; }

    public void Validate(Action<string, string> error) => ValidateShared(error);
}
