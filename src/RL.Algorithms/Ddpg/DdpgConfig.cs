using RL.Core.Config;
using RL.Core.Exploration;
using RL.Core.Networks;

namespace RL.Algorithms.Ddpg;

/// <summary>How DDPG schedules env stepping and learning.</summary>
public enum CollectionMode
{
    [ConfigDoc("Lock-step and deterministic: act, step every group while the learner runs the due updates, store. Bit-reproducible on CPU.")]
    Sync,
    [ConfigDoc("One free-running sampler thread per group, the learner on the main thread (Reason8's N samplers + 1 learner).")]
    Async,
}

/// <summary>What the samplers do during the warm-up, before the first update.</summary>
public enum WarmupActions
{
    [ConfigDoc("The untrained actor plus the configured exploration noise (Lillicrap et al.; the 2017 L2R teams).")]
    Policy,
    [ConfigDoc("Actions drawn uniformly over the action space, no actor, no noise (Stable-Baselines3's TD3/DDPG during learning_starts).")]
    Uniform,
}

/// <summary>
/// DDPG hyperparameters (Lillicrap et al. 2015, arXiv 1509.02971), with every trick of the 2017 Learning-to-Run
/// DDPG teams as a switch (recipes §3.3, §5). The defaults are the original paper's (recipes §5.7) where it
/// defines them; the Reason8 recipe and its ablations are in experiments/configs/.
/// </summary>
public sealed record DdpgConfig : IValidatedConfig
{
    [ConfigDoc("The actor μ(s): an MLP whose squashed output is the action.")]
    public ActorNetworkConfig Actor { get; init; } = new() { Hidden = new[] { 400, 300 }, LayerNorm = false, OutputInit = 3e-3 };
    [ConfigDoc("The critic Q(s, a): an MLP over the concatenated [observation, action] (the action enters at the input, as the 2017 teams did; Lillicrap et al. add it at the second layer).")]
    public CriticNetworkConfig Critic { get; init; } = new() { Hidden = new[] { 400, 300 }, LayerNorm = false, OutputInit = 3e-3 };

    [ConfigDoc("Discount factor of the critic's target r + γ·Q'(s', μ'(s')); with frame skip k, γ = 0.9 looks about 10 decisions (10·k simulator steps) ahead.",
        Unit = "per decision", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: 0.9)")]
    [ConfigRange(0, 1)]
    public double Gamma { get; init; } = 0.99;

    [ConfigDoc("Polyak coefficient τ of the soft target updates θ' ← (1 − τ)θ' + τθ.",
        Unit = "per update", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: 1e-4)")]
    [ConfigRange(0, 1, MinExclusive = true)]
    public double Tau { get; init; } = 1e-3;

    [ConfigDoc("Actor Adam learning rate, moved linearly over env steps.",
        Unit = "learning rate", Source = "Lillicrap et al. 2015 (constant 1e-4; Reason8 e2ffeaa: 1e-3 → 5e-5 over 10^7 decisions)")]
    public LinearSchedule ActorLr { get; init; } = LinearSchedule.Constant(1e-4);

    [ConfigDoc("Critic Adam learning rate, moved linearly over env steps.",
        Unit = "learning rate", Source = "Lillicrap et al. 2015 (constant 1e-3; Reason8 e2ffeaa: 2e-3 → 5e-5 over 10^7 decisions)")]
    public LinearSchedule CriticLr { get; init; } = LinearSchedule.Constant(1e-3);

    [ConfigDoc("Adam's decay rate of the first-moment (mean) estimate, both networks.",
        Unit = "-", Source = "Kingma and Ba 2015 (Adam's default; Reason8 the same)")]
    [ConfigRange(0, 1)]
    public double AdamBeta1 { get; init; } = 0.9;

    [ConfigDoc("Adam's decay rate of the second-moment estimate, both networks.",
        Unit = "-", Source = "Kingma and Ba 2015 (Adam's default; Reason8 e2ffeaa: 0.99)")]
    [ConfigRange(0, 1)]
    public double AdamBeta2 { get; init; } = 0.999;

    [ConfigDoc("Adam's ε, added to the root of the second-moment estimate.",
        Unit = "-", Source = "Kingma and Ba 2015 (Adam's default)")]
    [ConfigRange(0, 1, MinExclusive = true)]
    public double AdamEps { get; init; } = 1e-8;

    [ConfigDoc("Clip of each network's global gradient L2 norm per update; 0 for none.",
        Unit = "gradient L2 norm", Source = "Lillicrap et al. 2015 (none; Reason8 e2ffeaa: 10)")]
    [ConfigRange(0, 1e9)]
    public double GradClip { get; init; }

    [ConfigDoc("Huber δ of the critic loss (squared below δ, linear above); 0 for the squared error.",
        Unit = "TD error (scaled reward)", Source = "Lillicrap et al. 2015 (squared error; Reason8 e2ffeaa: 10)")]
    [ConfigRange(0, 1e9)]
    public double HuberDelta { get; init; }

    [ConfigDoc("Transitions sampled from the replay per update, before mirroring (flip_prob doubles the rows).",
        Unit = "transitions", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: 1000)")]
    [ConfigRange(1, 1_000_000)]
    public int BatchSize { get; init; } = 64;

    [ConfigDoc("Replay capacity; the oldest transition is overwritten when full.",
        Unit = "transitions", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: 5·10^6)")]
    [ConfigRange(1, 1e10)]
    public long BufferSize { get; init; } = 1_000_000;

    [ConfigDoc("Transitions collected before the first update.",
        Unit = "transitions", Source = "Reason8 e2ffeaa")]
    [ConfigRange(1, 1e10)]
    public long Warmup { get; init; } = 10_000;

    [ConfigDoc("How the first warmup env steps are acted: by the actor with noise, or uniformly at random.",
        Unit = "-", Source = "Lillicrap et al. 2015 (policy); Stable-Baselines3 off_policy_algorithm.py _sample_action (uniform before learning_starts)")]
    public WarmupActions WarmupActions { get; init; } = WarmupActions.Policy;

    [ConfigDoc("Probability that a sampled batch is concatenated with its left/right mirror image (needs the env's mirror maps; L2R has them).",
        Unit = "probability per update", Source = "Lillicrap et al. 2015 (no reflection; Reason8 e2ffeaa: 1)")]
    [ConfigRange(0, 1)]
    public double FlipProb { get; init; }

    // How DDPG schedules collecting and learning: off-policy settings, so they live here rather than under train:
    // and checkpoint: (issue 12; RunConfig's [ConfigMoved] table names the old keys).
    [ConfigDoc("How env stepping and learning are scheduled.",
        Unit = "-", Source = "Reason8 (N sampler processes + 1 learner)")]
    public CollectionMode Mode { get; init; } = CollectionMode.Async;

    [ConfigDoc("Learner updates per env step once learning has started (after warmup); the learner waits when it is ahead.",
        Unit = "updates per decision", Source = "Lillicrap et al. 2015 (one update per env step)")]
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double UpdatesPerEnvStep { get; init; } = 1;

    [ConfigDoc("With mode async: how far the samplers may run ahead of updates / updates_per_env_step before they wait, so a fast env does not fill the replay with data from ever staler policies; 0 lets them run free.",
        Unit = "decisions", Source = "ours (Reason8's samplers never waited, but their simulator ran at about 30 steps/s)")]
    [ConfigRange(0, 1e15)]
    public long SamplerLeadSteps { get; init; } = 1000;

    [ConfigDoc("Each sampler takes the learner's latest actor every N of its env steps, and at every episode start.",
        Unit = "decisions", Source = "ours: always the latest (Reason8 pushed weights after each episode)")]
    [ConfigRange(1, 1e9)]
    public int ActorSyncSteps { get; init; } = 1;

    [ConfigDoc("Include the replay buffer in the checkpoints that checkpoint: schedules: needed for a bit-identical resume, up to 2 GB for 5·10^6 L2R transitions.",
        Unit = "-", Source = "ours: off, for its size")]
    public bool CheckpointReplayBuffer { get; init; }

    [ConfigDoc("How the samplers explore: per episode, parameter noise with probability param_noise_prob, otherwise action noise.")]
    public ExplorationConfig Exploration { get; init; } = new();

    [ConfigDoc("TD3's three changes to DDPG (Fujimoto et al. 2018), each its own switch, all off by default: twin critics with the minimum target, target policy smoothing, delayed actor and target updates.")]
    public Td3Config Td3 { get; init; } = new();

    public void Validate(Action<string, string> error)
    {
        if (Warmup < BatchSize) error("warmup", $"{Warmup} is below batch_size {BatchSize}: the first batch needs that many transitions.");
        if (BufferSize < Warmup) error("buffer_size", $"{BufferSize} is below warmup {Warmup}, so learning would never start.");
        if (Actor.Noisy != NoisyLayers.None && Exploration.ParamNoise != ParameterNoiseKind.None)
            error("exploration.param_noise", "cannot be combined with NoisyNet actor layers (actor.noisy), which are a form of parameter noise themselves; choose one.");
    }
}
