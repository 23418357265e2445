using RL.Core.Config;
using RL.Envs;

namespace RL.Algorithms.Training;

/// <summary>Which env, with which options, how many, and where they run.</summary>
public sealed record EnvConfig : IValidatedConfig
{
    [ConfigDoc("Registered env id: L2R (Learning to Run), Hopper, Walker2d or HalfCheetah (Gymnasium v4 locomotion), or Pendulum (docs/environment.md).",
        Unit = "-", Source = "ours: the task this project is for")]
    public string Id { get; init; } = "L2R";

    [ConfigDoc("Where envs run: in_process (inside the trainer), local (child `rl serve` env servers over gRPC, started and restarted by the trainer) or remote (servers at env.endpoints).",
        Unit = "-", Source = "ours: a crashing or hanging simulator stays in a child process the trainer replaces")]
    public string Backend { get; init; } = "local";

    [ConfigDoc("Env groups (vector envs), one per env server; each has its own sampler (in async mode its own thread).",
        Unit = "groups", Source = "ours: 1 sampler + 1 learner fills 2 cores (Reason8 ran cores − 1 samplers)")]
    [ConfigRange(1, 4096)]
    public int Groups { get; init; } = 1;

    [ConfigDoc("Envs in each group, stepped together with one batched action.",
        Unit = "envs", Source = "ours: one env per sampler, as Reason8's samplers")]
    [ConfigRange(1, 4096)]
    public int EnvsPerGroup { get; init; } = 1;

    [ConfigDoc("Batches each env server's envs are split into (backend local or remote), each with its own stream and its own sampler: with 2, one batch steps on the server while its sampler handles the other's reply and acts, so neither the server nor the sampler waits on a round trip. The groups then number groups × batches_per_server, of envs_per_group / batches_per_server envs each.",
        Unit = "batches per server", Source = "ours (issue 16): 1 is one lock-step batch per server")]
    [ConfigRange(1, 64)]
    public int BatchesPerServer { get; init; } = 1;

    [ConfigDoc("How steps travel to the local env servers (backend local): socket (each server's local step channel, fixed-layout frames on a Unix socket; the other calls stay gRPC) or grpc (the gRPC Step stream, as for remote servers). Both give the same transitions; socket costs a fraction of the CPU per request.",
        Unit = "-", Source = "ours (issue 16): on 2 cores a gRPC request cost ~400 µs of CPU besides stepping, the socket ~55 µs")]
    public string LocalTransport { get; init; } = "socket";

    [ConfigDoc("host:port of each remote env server (backend remote only).",
        Unit = "-", Source = "ours: none until backend is remote")]
    public string[] Endpoints { get; init; } = Array.Empty<string>();

    [ConfigDoc("The env's own options and the generic frame_skip and shaping, as key: value pairs; each known key is listed as env.options.<key>. An option the env does not read stops the run, naming the nearest known one.",
        Unit = "-", Source = "the env's own defaults (env.options.<key>)")]
    public Dictionary<string, string> Options { get; init; } = new();

    [ConfigDoc("Step the envs of one in-process group on several threads (backend in_process only).",
        Unit = "-", Source = "ours: off; the groups already use the cores")]
    public bool ParallelWithinGroup { get; init; }

    public void Validate(Action<string, string> error)
    {
        if (Id.Length == 0) error("id", "needs an env id.");
        if (Backend == "remote" && Endpoints.Length == 0) error("endpoints", "backend remote needs at least one host:port endpoint.");
        if (GenericEnvOptions.FrameSkipProblem(Options) is string why) error("options." + GenericEnvOptions.FrameSkip, why);
        if (LocalTransport is not ("socket" or "grpc"))
            error("local_transport", $"'{LocalTransport}' is not a transport: socket (default) or grpc.");
        if (BatchesPerServer > 1 && Backend == "in_process")
            error("batches_per_server", $"{BatchesPerServer} needs env servers (backend local or remote): in-process groups have no round trip to overlap.");
        if (BatchesPerServer > EnvsPerGroup)
            error("batches_per_server", $"{BatchesPerServer} is more than envs_per_group ({EnvsPerGroup}): every batch needs at least one env.");
    }
}

/// <summary>Trainer-side observation features (recipes §3.3 and §6.1), all located by observation name.</summary>
public sealed record ObservationConfig
{
    [ConfigDoc("The observation element subtracted from each element of observation.relative; null for none.",
        Unit = "-", Source = "ours: the raw observation (Reason8 e2ffeaa: pelvis_x)")]
    public string? RelativeTo { get; init; }

    [ConfigDoc("Observation elements from which relative_to is subtracted.",
        Unit = "-", Source = "ours: none (Reason8 e2ffeaa: the x of head, centre of mass, torso, toes, tali and pelvis body)")]
    public string[] Relative { get; init; } = Array.Empty<string>();

    [ConfigDoc("Observation elements removed after the relative transform (the networks and the mirror maps see the rest).",
        Unit = "-", Source = "ours: none (Reason8 e2ffeaa drops pelvis_x after using it as the reference)")]
    public string[] Drop { get; init; } = Array.Empty<string>();

    [ConfigDoc("Normalise each element by a running mean and standard deviation (saved with the model), then clip to ±clip.",
        Unit = "-", Source = "Reason8 (no normalisation; NNAISENSE normalised)")]
    public bool Normalize { get; init; }

    [ConfigDoc("Normalised values are clipped to [−clip, clip] (normalize only).",
        Unit = "standard deviations", Source = "NNAISENSE (stdclip 5)")]
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double Clip { get; init; } = 5;

    [ConfigDoc("Added to the running variance before its square root (normalize only), so a constant element does not divide by 0.",
        Unit = "observation units squared", Source = "ours: the usual running-normaliser ε")]
    [ConfigRange(0, 1, MinExclusive = true)]
    public double Epsilon { get; init; } = 1e-8;
}

/// <summary>Trainer-side transforms of the stored reward (the env's training reward, shaped or not).</summary>
public sealed record RewardConfig
{
    [ConfigDoc("Multiplier of the rewards stored for learning (applied after fall_penalty).",
        Unit = "-", Source = "ours: unscaled (Reason8 e2ffeaa: 10)")]
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double Scale { get; init; } = 1;

    [ConfigDoc("Added (before scaling) to the last reward of an episode that ended by a true termination (L2R: a fall), never at the time limit.",
        Unit = "reward (L2R: metres)", Source = "Reason8 e2ffeaa (none; the Run-Skeleton-Run port: −0.2)")]
    [ConfigRange(-1e6, 1e6)]
    public double FallPenalty { get; init; }
}

/// <summary>What to do after too many consecutive non-finite updates (reliability.md R9).</summary>
public enum NonFinitePolicy
{
    [ConfigDoc("Reload the learner from the last good checkpoint and continue.")]
    Rollback,
    [ConfigDoc("Stop with exit code 4.")]
    Abort,
}

/// <summary>Budgets and schedules of the run loop.</summary>
public sealed record TrainConfig : IValidatedConfig
{
    [ConfigDoc("Stop after this many env steps summed over all training envs; 0 for no limit.",
        Unit = "decisions", Source = "ours: a round 10^6")]
    [ConfigRange(0, 1e15)]
    public long MaxEnvSteps { get; init; } = 1_000_000;

    [ConfigDoc("Stop after this many learner updates; 0 for no limit.",
        Unit = "updates", Source = "ours: no limit")]
    [ConfigRange(0, 1e15)]
    public long MaxUpdates { get; init; }

    [ConfigDoc("Stop after this much wall-clock time, summed over resumes; 0 for no limit.",
        Unit = "hours", Source = "ours: no limit")]
    [ConfigRange(0, 1e6)]
    public double MaxHours { get; init; }

    [ConfigDoc("Updates per progress.csv row (1 for one row per update).",
        Unit = "updates", Source = "ours")]
    [ConfigRange(1, 1e9)]
    public int LogEveryUpdates { get; init; } = 1000;

    [ConfigDoc("Wall-clock time between console lines when stdout is not a terminal.",
        Unit = "seconds", Source = "ours")]
    [ConfigRange(0.1, 86400)]
    public double ConsoleIntervalS { get; init; } = 10;

    [ConfigDoc("Consecutive updates with a non-finite loss or gradient (each one skipped, leaving the parameters unchanged) before on_nonfinite applies.",
        Unit = "updates", Source = "ours")]
    [ConfigRange(1, 1000)]
    public int MaxConsecutiveNonfinite { get; init; } = 3;

    [ConfigDoc("What to do after max_consecutive_nonfinite skipped updates in a row.",
        Unit = "-", Source = "ours: a long run goes on from its last good checkpoint")]
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
    [ConfigDoc("Wall-clock time between checkpoints; 0 for none by time.",
        Unit = "minutes", Source = "ours: a crash loses at most 15 minutes")]
    [ConfigRange(0, 1e6)]
    public double EveryMinutes { get; init; } = 15;

    [ConfigDoc("Also write a checkpoint every N updates; 0 for none by updates.",
        Unit = "updates", Source = "ours")]
    [ConfigRange(0, 1e15)]
    public long EveryUpdates { get; init; }

    [ConfigDoc("How many of the latest checkpoints are kept; older ones are deleted.",
        Unit = "checkpoints", Source = "ours")]
    [ConfigRange(1, 1000)]
    public int KeepLast { get; init; } = 3;

    [ConfigDoc("Also keep the checkpoint with the best evaluation score so far, whatever keep_last deletes.",
        Unit = "-", Source = "Reason8 (kept weights whenever the test mean beat the best so far)")]
    public bool KeepBest { get; init; } = true;

    public void Validate(Action<string, string> error)
    {
        if (EveryMinutes == 0 && EveryUpdates == 0)
            error("every_minutes", "with every_updates also 0 no checkpoint would be written before the end; set one of them.");
    }
}

/// <summary>Periodic evaluation of the deterministic policy on held-out seeds (recipes §6.10).</summary>
public sealed record EvaluationConfig : IValidatedConfig
{
    [ConfigDoc("Wall-clock time between evaluations; 0 for none by time.",
        Unit = "minutes", Source = "Reason8 (a test process every 30 minutes)")]
    [ConfigRange(0, 1e6)]
    public double EveryMinutes { get; init; } = 30;

    [ConfigDoc("Training env steps (summed over envs) between evaluations; 0 for none by steps.",
        Unit = "decisions", Source = "ours")]
    [ConfigRange(0, 1e15)]
    public long EveryEnvSteps { get; init; }

    [ConfigDoc("Episodes per evaluation; their mean 2017 score is the evaluation score.",
        Unit = "episodes", Source = "Reason8 (5 test episodes)")]
    [ConfigRange(1, 100000)]
    public int Episodes { get; init; } = 5;

    [ConfigDoc("Evaluation episode k is reset with seed + k; training episodes use seeds derived from the master seed, so these courses are held out.",
        Unit = "-", Source = "ours")]
    [ConfigRange(0, 9.2e18)]
    public long Seed { get; init; } = 1_000_000;

    [ConfigDoc("Envs stepped together while evaluating.",
        Unit = "envs", Source = "ours: one per episode")]
    [ConfigRange(1, 4096)]
    public int ParallelEnvs { get; init; } = 5;

    [ConfigDoc("Env options that differ from env.options while evaluating (same keys; the 2017 round-1 setting is difficulty 2, max_obstacles 3).",
        Unit = "-", Source = "ours: evaluate as trained")]
    public Dictionary<string, string> Options { get; init; } = new();

    [ConfigDoc("Evaluate once more when training stops.",
        Unit = "-", Source = "ours")]
    public bool AtEnd { get; init; } = true;

    public void Validate(Action<string, string> error)
    {
        if (GenericEnvOptions.FrameSkipProblem(Options) is string why) error("options." + GenericEnvOptions.FrameSkip, why);
    }
}
