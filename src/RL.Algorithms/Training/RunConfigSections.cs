using RL.Core.Config;

namespace RL.Algorithms.Training;

/// <summary>Which env, with which options, how many, and where they run.</summary>
public sealed record EnvConfig : IValidatedConfig
{
    /// <summary>Registered env id ("L2R" for Learning to Run, "Pendulum").</summary>
    public string Id { get; init; } = "L2R";

    /// <summary>Where envs run: in_process, local (child env servers over gRPC) or remote (env.endpoints).</summary>
    public string Backend { get; init; } = "local";

    /// <summary>Vector envs (one per env server); each gets its own sampler loop.</summary>
    [ConfigRange(1, 4096)]
    public int Groups { get; init; } = 1;

    [ConfigRange(1, 4096)]
    public int EnvsPerGroup { get; init; } = 1;

    /// <summary>host:port of remote env servers (backend remote).</summary>
    public string[] Endpoints { get; init; } = Array.Empty<string>();

    /// <summary>Env options: the env's own (L2R: difficulty, max_obstacles, physics) and the generic frame_skip and shaping.</summary>
    public Dictionary<string, string> Options { get; init; } = new();

    /// <summary>Step the envs of one in-process group on several threads.</summary>
    public bool ParallelWithinGroup { get; init; }

    public void Validate(Action<string, string> error)
    {
        if (Id.Length == 0) error("id", "needs an env id.");
        if (Backend == "remote" && Endpoints.Length == 0) error("endpoints", "backend remote needs at least one host:port endpoint.");
    }
}

/// <summary>Trainer-side observation features (recipes §3.3 and §6.1), all located by observation name.</summary>
public sealed record ObservationConfig
{
    /// <summary>The element the <see cref="Relative"/> ones are made relative to (Reason8: pelvis_x); null for none.</summary>
    public string? RelativeTo { get; init; }

    /// <summary>Elements from which <see cref="RelativeTo"/> is subtracted.</summary>
    public string[] Relative { get; init; } = Array.Empty<string>();

    /// <summary>Elements removed from the observation (Reason8 drops pelvis_x after using it as the reference).</summary>
    public string[] Drop { get; init; } = Array.Empty<string>();

    /// <summary>Running mean/std normalisation, saved with the model.</summary>
    public bool Normalize { get; init; }

    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double Clip { get; init; } = 5;

    [ConfigRange(0, 1, MinExclusive = true)]
    public double Epsilon { get; init; } = 1e-8;
}

/// <summary>Trainer-side transforms of the stored reward (the env's training reward, shaped or not).</summary>
public sealed record RewardConfig
{
    /// <summary>Multiplier of stored rewards (Reason8: 10).</summary>
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double Scale { get; init; } = 1;

    /// <summary>Added (before scaling) to the last reward of an episode that ended by a true termination, never on truncation (Run-Skeleton-Run: −0.2).</summary>
    [ConfigRange(-1e6, 1e6)]
    public double FallPenalty { get; init; }
}

/// <summary>How env stepping and learning are scheduled.</summary>
public enum CollectionMode
{
    /// <summary>Lock-step and deterministic: act, step every group while the learner runs the due updates, store. Bit-reproducible on CPU.</summary>
    Sync,
    /// <summary>One free-running sampler thread per group, learner on the main thread (Reason8's N samplers + 1 learner).</summary>
    Async,
}

/// <summary>What to do after too many consecutive non-finite updates (reliability.md R9).</summary>
public enum NonFinitePolicy
{
    /// <summary>Reload the learner from the last good checkpoint and continue.</summary>
    Rollback,
    /// <summary>Stop with exit code 4.</summary>
    Abort,
}

/// <summary>Budgets and schedules of the run loop.</summary>
public sealed record TrainConfig : IValidatedConfig
{
    public CollectionMode Mode { get; init; } = CollectionMode.Async;

    /// <summary>Stop after this many env steps (decisions, summed over envs); 0 for no limit.</summary>
    [ConfigRange(0, 1e15)]
    public long MaxEnvSteps { get; init; } = 1_000_000;

    /// <summary>Stop after this many updates; 0 for no limit.</summary>
    [ConfigRange(0, 1e15)]
    public long MaxUpdates { get; init; }

    /// <summary>Stop after this much wall-clock time (summed over resumes); 0 for no limit.</summary>
    [ConfigRange(0, 1e6)]
    public double MaxHours { get; init; }

    /// <summary>Updates per env step once learning has started (the learner waits when it is ahead).</summary>
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double UpdatesPerEnvStep { get; init; } = 1;

    /// <summary>
    /// Async mode: how many env steps the samplers may run ahead of updates / updates_per_env_step before they wait,
    /// so a fast env does not fill the replay with data from ever staler policies; 0 lets them run free (Reason8's
    /// samplers never waited, but their simulator ran at ~30 steps/s).
    /// </summary>
    [ConfigRange(0, 1e15)]
    public long SamplerLeadSteps { get; init; } = 1000;

    /// <summary>Updates per progress.csv row (1 for one row per update).</summary>
    [ConfigRange(1, 1e9)]
    public int LogEveryUpdates { get; init; } = 1000;

    /// <summary>Seconds between console lines when stdout is not a terminal.</summary>
    [ConfigRange(0.1, 86400)]
    public double ConsoleIntervalS { get; init; } = 10;

    /// <summary>Each sampler takes the learner's latest actor every N of its env steps, and at every episode start.</summary>
    [ConfigRange(1, 1e9)]
    public int ActorSyncSteps { get; init; } = 1;

    [ConfigRange(1, 1000)]
    public int MaxConsecutiveNonfinite { get; init; } = 3;

    public NonFinitePolicy OnNonfinite { get; init; } = NonFinitePolicy.Rollback;

    public void Validate(Action<string, string> error)
    {
        if (MaxEnvSteps == 0 && MaxUpdates == 0 && MaxHours == 0)
            error("max_env_steps", "with max_updates and max_hours also 0 the run would never stop; set a budget.");
    }
}

/// <summary>When checkpoints are written and which are kept (reliability.md R11).</summary>
public sealed record CheckpointConfig : IValidatedConfig
{
    [ConfigRange(0, 1e6)]
    public double EveryMinutes { get; init; } = 15;

    /// <summary>Also every N updates; 0 for none.</summary>
    [ConfigRange(0, 1e15)]
    public long EveryUpdates { get; init; }

    [ConfigRange(1, 1000)]
    public int KeepLast { get; init; } = 3;

    public bool KeepBest { get; init; } = true;

    /// <summary>Include the replay buffer (needed for a bit-identical resume; up to 2 GB for 5M L2R transitions).</summary>
    public bool ReplayBuffer { get; init; }

    public void Validate(Action<string, string> error)
    {
        if (EveryMinutes == 0 && EveryUpdates == 0)
            error("every_minutes", "with every_updates also 0 no checkpoint would be written before the end; set one of them.");
    }
}

/// <summary>Periodic evaluation of the deterministic policy on held-out seeds (recipes §6.10).</summary>
public sealed record EvaluationConfig
{
    /// <summary>Minutes between evaluations; 0 for none by time.</summary>
    [ConfigRange(0, 1e6)]
    public double EveryMinutes { get; init; } = 30;

    /// <summary>Env steps between evaluations; 0 for none by steps.</summary>
    [ConfigRange(0, 1e15)]
    public long EveryEnvSteps { get; init; }

    [ConfigRange(1, 100000)]
    public int Episodes { get; init; } = 5;

    /// <summary>Episode k is reset with seed + k (training episodes use derived seeds, so these are held out).</summary>
    [ConfigRange(0, 9.2e18)]
    public long Seed { get; init; } = 1_000_000;

    /// <summary>Envs stepped together while evaluating.</summary>
    [ConfigRange(1, 4096)]
    public int ParallelEnvs { get; init; } = 5;

    /// <summary>Options that differ from env.options for evaluation (L2R: difficulty 2, max_obstacles 3).</summary>
    public Dictionary<string, string> Options { get; init; } = new();

    /// <summary>Evaluate once more when training stops.</summary>
    public bool AtEnd { get; init; } = true;
}
