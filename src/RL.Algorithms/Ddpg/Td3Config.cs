using RL.Core.Config;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// The three changes of TD3 (Fujimoto et al. 2018, arXiv 1802.09477, "Addressing Function Approximation Error in
/// Actor-Critic Methods") as DDPG switches, each off by default so that the 2017 DDPG recipes run bit for bit as
/// before; all three on (twin_critics, target_policy_noise 0.2, policy_delay 2) is TD3 as the paper and SB3 run it.
/// </summary>
public sealed record Td3Config
{
    [ConfigDoc("Clipped double Q-learning: a second critic and its target; both critics regress to y = r + γ(1 − terminal)·min(Q1'(s', ã), Q2'(s', ã)) and the actor maximises Q1.",
        Unit = ConfigDocAttribute.None, Source = "Fujimoto et al. 2018 §4.2 (DDPG: off)")]
    public bool TwinCritics { get; init; }

    [ConfigDoc("Target policy smoothing: σ of the Gaussian noise added to the target action μ'(s') before the critic target reads it, in units of half the action range ((high − low)/2, so 0.2 is TD3's 0.2 on [−1, 1]); the noisy action is clipped to the action bounds. 0 turns it off.",
        Unit = "half action ranges", Source = "Fujimoto et al. 2018 §5.3 and SB3 TD3 target_policy_noise: 0.2 (DDPG: 0, off)")]
    [ConfigRange(0, 10)]
    public double TargetPolicyNoise { get; init; }

    [ConfigDoc("Target policy smoothing: each noise element is clipped to ±c before it is added (c in the same units as target_policy_noise); read only when target_policy_noise > 0.",
        Unit = "half action ranges", Source = "Fujimoto et al. 2018 §5.3 and SB3 TD3 target_noise_clip: 0.5")]
    [ConfigRange(0, 10, MinExclusive = true)]
    public double TargetNoiseClip { get; init; } = 0.5;

    [ConfigDoc("Delayed policy updates: the actor and both target networks update at every d-th critic update (1-based: updates d, 2d, …); 1 updates them at every update.",
        Unit = "critic updates", Source = "Fujimoto et al. 2018 §5.2 and SB3 TD3 policy_delay: 2 (DDPG: 1)")]
    [ConfigRange(1, 1_000_000)]
    public int PolicyDelay { get; init; } = 1;

    /// <summary>True when any switch is on: only then does the learner keep (and checkpoint) TD3 state.</summary>
    public bool AnyOn() => TwinCritics || TargetPolicyNoise > 0 || PolicyDelay > 1;
}
