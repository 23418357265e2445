using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Core.Config;

namespace RL.Algorithms;

/// <summary>The learning algorithm a run trains with. PPO and TRPO arrive through the same pipeline next.</summary>
public enum AlgorithmKind
{
    Ddpg,
    Ppo,
    Trpo,
}

/// <summary>
/// Everything a training run is made of, as one typed record read from YAML (ecosystem.md §2.1): the run's
/// name and master seed, the env and where it runs, the trainer-side observation and reward transforms, the
/// budgets and schedules of the run loop, checkpointing, evaluation, and one section per algorithm. Tuned values
/// live in experiments/configs/; the defaults here are neutral (DDPG: Lillicrap et al. 2015).
/// </summary>
public sealed record RunConfig : IValidatedConfig
{
    /// <summary>Run name: the run directory is runs_dir/name (a suffix -2, -3 … is added when it exists).</summary>
    public string Name { get; init; } = "run";

    public string RunsDir { get; init; } = "runs";

    /// <summary>The master seed: every random stream of the run is derived from it (RL.Envs.Random.SeedSequence).</summary>
    [ConfigRange(0, 9.2e18)]
    public long Seed { get; init; } = 1;

    public AlgorithmKind Algorithm { get; init; } = AlgorithmKind.Ddpg;

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>TorchSharp intra-op threads (1 keeps CPU runs bit-reproducible; 0 leaves TorchSharp's default).</summary>
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

    public EnvConfig Env { get; init; } = new();
    public ObservationConfig Observation { get; init; } = new();
    public RewardConfig Reward { get; init; } = new();
    public TrainConfig Train { get; init; } = new();
    public CheckpointConfig Checkpoint { get; init; } = new();
    public EvaluationConfig Evaluation { get; init; } = new();
    public DdpgConfig Ddpg { get; init; } = new();

    public void Validate(Action<string, string> error)
    {
        if (Name.Length == 0 || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || Name is "." or "..")
            error("name", $"'{Name}' cannot be a directory name.");
        if (Algorithm != AlgorithmKind.Ddpg)
            error("algorithm", $"{ConfigNaming.EnumName(Algorithm)} is not available yet: PPO and TRPO come next through this pipeline; use ddpg.");
    }
}
