using RL.Core.Config;
using RL.Core.Networks;

namespace RL.Algorithms.OnPolicy;

/// <summary>The action distribution of a stochastic policy.</summary>
public enum PolicyDistribution
{
    [ConfigDoc("Diagonal Gaussian with a state-independent log standard deviation (baselines PPO1/TRPO, Pavlov et al.); samples are clipped into the action box when sent to the env, log-probabilities are of the unclipped sample (as SB3 does).")]
    Gaussian,
    [ConfigDoc("One Bernoulli per action element: the env gets its low or its high bound (NNAISENSE's `--actions=binary`: each muscle fully off or on); evaluation uses the mode.")]
    Bernoulli,
}

/// <summary>
/// What PPO and TRPO share: the two networks, the distribution, the rollout, GAE, reflection and the return
/// normaliser (recipes §3.1, §4, §5.3). Each algorithm's section adds its own update settings.
/// </summary>
public record OnPolicyConfig
{
    [ConfigDoc("The policy network: an MLP from the (normalised) observation to the distribution's parameters (Gaussian means or Bernoulli logits).")]
    public MlpConfig Policy { get; init; } = new() { Hidden = new[] { 64, 64 }, Activation = Activation.Tanh, LayerNorm = false, OutputInit = 0.01 };

    [ConfigDoc("The value network V(s): a separate MLP from the (normalised) observation to one value.")]
    public MlpConfig Value { get; init; } = new() { Hidden = new[] { 64, 64 }, Activation = Activation.Tanh, LayerNorm = false };

    [ConfigDoc("The policy's action distribution.",
        Unit = "-", Source = "baselines PPO1 and TRPO (Gaussian); NNAISENSE 2017 (Bernoulli)")]
    public PolicyDistribution Distribution { get; init; } = PolicyDistribution.Gaussian;

    [ConfigDoc("Gaussian only: the initial log standard deviation of every action element (learned afterwards).",
        Unit = "log action units", Source = "baselines (0: σ = 1)")]
    [ConfigRange(-20, 5)]
    public double InitialLogStd { get; init; }

    [ConfigDoc("Decisions each training env collects per rollout; the rollout has this × the number of envs.",
        Unit = "decisions per env", Source = "baselines PPO1 (Pavlov et al. 256; NNAISENSE 2048)")]
    [ConfigRange(1, 1e8)]
    public int StepsPerEnv { get; init; } = 2048;

    [ConfigDoc("Discount factor γ of returns and advantages.",
        Unit = "per decision", Source = "Schulman et al. 2017 (0.99; Pavlov et al. 0.96 with frame skip 5)")]
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    [ConfigDoc("GAE λ (Schulman et al. 2016): 0 is the one-step TD advantage, 1 the Monte-Carlo return minus V.",
        Unit = "-", Source = "Schulman et al. 2017 (0.95; NNAISENSE 0.9, Pavlov's TRPO 0.98)")]
    [ConfigRange(0, 1)]
    public double Lambda { get; init; } = 0.95;

    [ConfigDoc("Standardise advantages over the whole rollout (mirrored rows included) before the update.",
        Unit = "-", Source = "baselines PPO1 and TRPO (whole batch)")]
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Whether the rollout's advantages are standardised once before the update (PPO may do it per minibatch instead).</summary>
    public virtual bool StandardiseRolloutAdvantages() => NormalizeAdvantage;

    [ConfigDoc("Double every rollout with its left/right mirror image (needs the env's mirror maps): observations and actions mirrored, log-probabilities of the mirrored actions recomputed under the old policy, advantages and returns copied.",
        Unit = "-", Source = "NNAISENSE 2017 (`--symmetric_training`; recipes §5.3)")]
    public bool Mirror { get; init; }

    [ConfigDoc("Divide training rewards by the running standard deviation of each env's discounted return (SB3 VecNormalize's norm_reward), after reward.scale.",
        Unit = "-", Source = "RL Zoo's PPO/TRPO MuJoCo settings (normalize: true); off in baselines")]
    public bool NormalizeReward { get; init; }

    [ConfigDoc("With normalize_reward: normalised rewards are clipped to ±this.",
        Unit = "normalised reward", Source = "SB3 VecNormalize (clip_reward 10)")]
    [ConfigRange(0, 1e9, MinExclusive = true)]
    public double RewardClip { get; init; } = 10;

    public virtual void ValidateShared(Action<string, string> error)
    {
        if (Distribution == PolicyDistribution.Bernoulli && InitialLogStd != 0)
            error("initial_log_std", "applies only to distribution: gaussian.");
    }
}
