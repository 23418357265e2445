using RL.Core.Config;

namespace RL.Algorithms.Training;

/// <summary>
/// Which config keys a `rl train --resume` may override, and which of those later resumes keep (issue 10,
/// part 3). A resume continues the experiment that config.yaml describes from a checkpoint whose contents were
/// shaped by it: `--set ddpg.actor.hidden=[32]` on resume used to rewrite config.yaml, fail with "Mismatched
/// state_dict sizes" and break every later resume and `rl eval` of the run. So only the keys that say how long,
/// how often and where may change:
/// <list type="bullet">
/// <item>budgets and schedules (train.max_*, console and log intervals, checkpoint.*, ddpg.checkpoint_replay_buffer,
/// evaluation.*) are part of the run's plan: recorded in resumes.yaml and kept by later plain resumes, because a
/// researcher who extends max_hours expects the extension to stick;</item>
/// <item>where this process runs (device, torch_threads, env.backend, env.endpoints, env.parallel_within_group)
/// applies to that resume only: the next machine may have no GPU or other env servers.</item>
/// </list>
/// Everything else is refused with the reason.
/// </summary>
public static class ResumeOverrides
{
    private static readonly string[] Carried =
    {
        "train.max_env_steps", "train.max_updates", "train.max_hours", "train.console_interval_s", "train.log_every_updates",
        "checkpoint.every_minutes", "checkpoint.every_updates", "checkpoint.keep_last", "checkpoint.keep_best", "ddpg.checkpoint_replay_buffer",
        "evaluation",
    };

    private static readonly string[] ThisProcessOnly = { "device", "torch_threads", "env.backend", "env.endpoints", "env.parallel_within_group" };

    // Most specific first: the first prefix that matches gives the reason.
    private static readonly (string Prefix, string Why)[] Refused =
    {
        ("ddpg.actor", "the actor's architecture: the checkpoint's weights have its shapes, so a different one cannot load them (mismatched state_dict sizes)"),
        ("ddpg.critic", "the critic's architecture: the checkpoint's weights have its shapes, so a different one cannot load them (mismatched state_dict sizes)"),
        ("ddpg.mode", "a training-loop setting: changing it mid-run makes a different, unrecorded experiment"),
        ("ddpg.updates_per_env_step", "a training-loop setting: changing it mid-run makes a different, unrecorded experiment"),
        ("ddpg.sampler_lead_steps", "a training-loop setting: changing it mid-run makes a different, unrecorded experiment"),
        ("ddpg.actor_sync_steps", "a training-loop setting: changing it mid-run makes a different, unrecorded experiment"),
        ("ddpg", "a DDPG setting: the optimiser moments, noise state and schedules saved in the checkpoint were made with the run's value, so changing it mid-run makes a different, unrecorded experiment"),
        ("observation", "the observation layout and the normaliser statistics saved in the checkpoint follow it"),
        ("env.id", "the env fixes the observation and action spaces the checkpoint's networks were built for"),
        ("env.options", "env options change the env spec (observations, actions, rewards) the checkpoint was trained on"),
        ("env.groups", "the checkpoint holds one sampler and one env state per env group"),
        ("env.envs_per_group", "the checkpoint holds the state of every env of every group"),
        ("env.batches_per_server", "the checkpoint holds one sampler per env group, and each batch is a group"),
        ("env", "it changes the env the checkpoint was trained on"),
        ("algorithm", "the checkpoint was written by the run's algorithm"),
        ("seed", "every random stream of the run is derived from it, and the streams' states are in the checkpoint"),
        ("name", "a resumed run stays in its own directory"),
        ("runs_dir", "a resumed run stays in its own directory"),
        ("reward", "the rewards stored in the replay buffer were transformed with it"),
        ("train", "a training-loop setting: changing it mid-run makes a different, unrecorded experiment"),
    };

    /// <summary>Keys that may change on resume, for messages.</summary>
    public static IEnumerable<string> Allowed => Carried.Select(k => k == "evaluation" ? "evaluation.*" : k).Concat(ThisProcessOnly);

    /// <summary>True when a recorded override of <paramref name="key"/> applies to later resumes too.</summary>
    public static bool IsCarried(string key) => Carried.Any(p => Matches(key, p));

    /// <summary>
    /// Throws one <see cref="ConfigException"/> naming every override in <paramref name="overrides"/> (each
    /// <c>key.path=value</c> with where it came from) whose key may not change on resume, with the reason.
    /// </summary>
    public static void Check(IEnumerable<(string Assignment, ConfigSource Source)> overrides)
    {
        var errors = new List<ConfigError>();
        foreach (var (assignment, source) in overrides)
        {
            string key = KeyOf(assignment);
            if (IsCarried(key) || ThisProcessOnly.Any(p => Matches(key, p))) continue;
            string why = Refused.FirstOrDefault(r => Matches(key, r.Prefix)).Why ?? "it is not a budget or schedule";
            errors.Add(new ConfigError(source, key,
                $"cannot change when resuming: {why}. On resume only these can: {string.Join(", ", Allowed)}. To change it, start a new run (rl train <config> --set {key}=...)."));
        }
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    /// <summary>The key path of a <c>key.path=value</c> assignment.</summary>
    public static string KeyOf(string assignment)
    {
        int eq = assignment.IndexOf('=');
        return (eq < 0 ? assignment : assignment[..eq]).Trim();
    }

    private static bool Matches(string key, string prefix) =>
        key == prefix || key.StartsWith(prefix + ".", StringComparison.Ordinal);
}
