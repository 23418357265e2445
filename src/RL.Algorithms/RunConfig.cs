using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Core.Config;

namespace RL.Algorithms;

/// <summary>The learning algorithm a run trains with; each has its own config section and folder.</summary>
public enum AlgorithmKind
{
    [ConfigDoc("Deep Deterministic Policy Gradient (Lillicrap et al. 2015) with the 2017 Learning-to-Run tricks as switches (docs/algorithms.md).")]
    Ddpg,
    [ConfigDoc("Proximal Policy Optimization (Schulman et al. 2017): clipped surrogate, GAE, minibatch epochs (docs/algorithms.md).")]
    Ppo,
    [ConfigDoc("Trust Region Policy Optimization (Schulman et al. 2015): conjugate-gradient natural step within a KL limit, line search, separate value fit (docs/algorithms.md).")]
    Trpo,
}

/// <summary>
/// Everything a training run is made of, as one typed record read from YAML (ecosystem.md §2.1): the run's
/// name and master seed, the env and where it runs, the trainer-side observation and reward transforms, the
/// budgets and schedules of the run loop, checkpointing, evaluation, and one section per algorithm. Tuned values
/// live in experiments/configs/; the defaults here are neutral (DDPG: Lillicrap et al. 2015). Keys that moved are
/// listed with [ConfigMoved]: a config that still uses one is told where it went.
/// </summary>
[ConfigMoved("train.mode", "ddpg.mode", OffPolicy)]
[ConfigMoved("train.updates_per_env_step", "ddpg.updates_per_env_step", OffPolicy)]
[ConfigMoved("train.sampler_lead_steps", "ddpg.sampler_lead_steps", OffPolicy)]
[ConfigMoved("train.actor_sync_steps", "ddpg.actor_sync_steps", OffPolicy)]
[ConfigMoved("checkpoint.replay_buffer", "ddpg.checkpoint_replay_buffer", OffPolicy)]
public sealed record RunConfig : IValidatedConfig
{
    private const string OffPolicy = "issue 12: off-policy settings live under the algorithm's section";

    [ConfigDoc("Run name: the run directory is runs_dir/name-seedN with N the master seed, so runs of a seed sweep get their own (a suffix -2, -3 … is added when it exists).",
        Unit = "-", Source = "ours: a placeholder; every file in experiments/configs/ names its run")]
    public string Name { get; init; } = "run";

    [ConfigDoc("Folder the run directories are created in, relative to the working directory.",
        Unit = "-", Source = "ours (git-ignored in this repository)")]
    public string RunsDir { get; init; } = "runs";

    [ConfigDoc("The master seed: every random stream of the run (training courses, exploration, replay sampling, network init) is derived from it (RL.Envs.Random.SeedSequence).",
        Unit = "-", Source = "ours: any fixed value; a run is repeatable from it")]
    [ConfigRange(0, 9.2e18)]
    public long Seed { get; init; } = 1;

    [ConfigDoc("The learning algorithm; its settings are the section of the same name (ddpg:, ppo:, trpo:).",
        Unit = "-", Source = "ours: DDPG was the most sample-efficient on this task (Pavlov et al. 2017)")]
    public AlgorithmKind Algorithm { get; init; } = AlgorithmKind.Ddpg;

    [ConfigDoc("Where the networks run: cpu, cuda, cuda:N or auto (cuda when one is present).",
        Unit = "-", Source = "ours: the L2R networks are small (64-unit layers), and CPU runs are bit-reproducible")]
    public string Device { get; init; } = "cpu";

    [ConfigDoc("TorchSharp intra-op threads of this process; 0 leaves libtorch's default (every core).",
        Unit = "threads", Source = "ours: 1 keeps CPU runs bit-reproducible (with every core, `rl eval` gave 9.251 vs 9.267 on one checkpoint)")]
    [ConfigRange(0, 1024)]
    public int TorchThreads { get; init; } = 1;

    /// <summary>
    /// Sets this process's TorchSharp threads to <see cref="TorchThreads"/>, for training and evaluation alike: with
    /// libtorch's default (every core) batched forwards are not bit-reproducible run to run (seen in `rl eval`: 9.251
    /// vs 9.267 on the same checkpoint and seeds).
    /// </summary>
    public void ApplyTorchThreads()
    {
        if (TorchThreads > 0) TorchSharp.torch.set_num_threads(TorchThreads);
    }

    [ConfigDoc("Which env, with which options, how many, and where they run (docs/environment.md).")]
    public EnvConfig Env { get; init; } = new();

    [ConfigDoc("Trainer-side observation transforms, each element located by its observation name (docs/environment.md lists the L2R names).")]
    public ObservationConfig Observation { get; init; } = new();

    [ConfigDoc("Trainer-side transforms of the reward that is stored for learning (the env's training reward, shaped or not). Logged rewards and the 2017 score stay unscaled.")]
    public RewardConfig Reward { get; init; } = new();

    [ConfigDoc("Budgets and schedules of the run loop.")]
    public TrainConfig Train { get; init; } = new();

    [ConfigDoc("When checkpoints are written and which are kept.")]
    public CheckpointConfig Checkpoint { get; init; } = new();

    [ConfigDoc("Periodic evaluation of the deterministic policy on held-out seeds; its mean 2017 score picks the best checkpoint.")]
    public EvaluationConfig Evaluation { get; init; } = new();

    [ConfigDoc("DDPG hyperparameters; defaults are the original paper's (Lillicrap et al. 2015), the tuned recipes are in experiments/configs/ (docs/algorithms.md).")]
    public DdpgConfig Ddpg { get; init; } = new();

    [ConfigDoc("PPO hyperparameters; defaults are Schulman et al. 2017's MuJoCo settings, the 2017 Learning-to-Run recipes are in experiments/configs/ (docs/algorithms.md).")]
    public Ppo.PpoConfig Ppo { get; init; } = new();

    [ConfigDoc("TRPO hyperparameters; defaults are baselines trpo_mpi's, Pavlov et al.'s recipe is in experiments/configs/ (docs/algorithms.md).")]
    public Trpo.TrpoConfig Trpo { get; init; } = new();

    public void Validate(Action<string, string> error)
    {
        if (Name.Length == 0 || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || Name is "." or "..")
            error("name", $"'{Name}' cannot be a directory name.");
        if (!AlgorithmCatalog.Available.Contains(Algorithm))
            error("algorithm", $"{ConfigNaming.EnumName(Algorithm)} is not built yet; available: {string.Join(", ", AlgorithmCatalog.Available.Select(k => ConfigNaming.EnumName(k)))}.");
    }
}
