using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Core.Environments;
using RL.Envs;
using RL.Envs.Classic;
using RL.Envs.Wrappers;
using RL.Testing;

namespace RL.Algorithms.Tests;

/// <summary>Small in-process DDPG runs for the trainer-level tests: configs, envs and a temporary runs directory.</summary>
public static class TestRuns
{
    public static EnvProviderCatalog Providers()
    {
        var registry = new EnvRegistry()
            .Register("Pendulum", _ => new Pendulum(), "pendulum")
            .Register("TwinPendulum", _ => new TwinPendulum(), "two pendulums, mirror-symmetric");
        RewardShaping.Register(registry);
        return new EnvProviderCatalog().Register(new InProcessEnvProvider(registry));
    }

    /// <summary>A YAML config of a tiny, fast DDPG run on TwinPendulum that exercises every stateful piece.</summary>
    public static string TinyYaml(string runsDir, string name) => $$"""
        name: {{name}}
        runs_dir: {{runsDir}}
        seed: 7
        env: {id: TwinPendulum, backend: in_process, groups: 2, envs_per_group: 2}
        observation: {normalize: true}
        reward: {scale: 0.1, fall_penalty: -1}
        train: {max_env_steps: 0, max_updates: 400, log_every_updates: 1}
        checkpoint: {every_minutes: 0, every_updates: 150, keep_last: 2}
        evaluation: {every_minutes: 0, every_env_steps: 300, episodes: 2, parallel_envs: 2, at_end: true}
        ddpg:
          actor: {hidden: [16, 16], activation: elu, layer_norm: true}
          critic: {hidden: [16, 8], activation: tanh, layer_norm: true}
          gamma: 0.9
          tau: 0.01
          actor_lr: {start: 1.0e-3, end: 1.0e-4, steps: 2000}
          critic_lr: {start: 2.0e-3, end: 1.0e-4, steps: 2000}
          grad_clip: 10
          huber_delta: 10
          batch_size: 16
          warmup: 64
          buffer_size: 10000
          mode: sync
          actor_sync_steps: 3
          checkpoint_replay_buffer: true
          flip_prob: 0.5
          exploration:
            action_noise: ou
            ou: {theta: 0.15, sigma: {start: 0.3, end: 0.1, steps: 2000}, dt: 1.0}
            param_noise: bisection
            param_noise_prob: 0.5
        """;

    public static RunConfig Load(string yaml, params string[] overrides)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            return RunConfigLoader.Load(path, overrides);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Trains to the end of the config's budget; returns the outcome and the run directory.</summary>
    public static (TrainOutcome Outcome, string Directory) Train(RunConfig config, string? resume = null)
    {
        using var session = TrainingSession.Open(config, Providers(), new SessionOptions
        {
            ResumeDirectory = resume,
            AlgorithmColumns = Ddpg.Ddpg.ProgressColumns,
            SeedStreams = AlgorithmCatalog.For(AlgorithmKind.Ddpg).SeedStreams,
        });
        var outcome = DdpgTrainer.Train(session);
        return (outcome, session.Directory.Root);
    }

    public static string TempRunsDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rl-runs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The progress.csv rows without the columns that depend on wall-clock time.</summary>
    public static List<string> ProgressRowsWithoutTime(string runDirectory, long afterUpdates = -1)
    {
        var lines = File.ReadAllLines(Path.Combine(runDirectory, "progress.csv"));
        string[] header = lines[0].Split(',');
        var timeColumns = new HashSet<int>(header.Select((h, i) => (h, i))
            .Where(x => x.h is "time/wall_s" or "time/steps_per_s" or "time/updates_per_s" or "time/learner_idle_fraction").Select(x => x.i));
        int updates = Array.IndexOf(header, "time/updates");
        return lines.Skip(1)
            .Select(l => l.Split(','))
            .Where(c => long.Parse(c[updates], System.Globalization.CultureInfo.InvariantCulture) > afterUpdates)
            .Select(c => string.Join(",", c.Where((_, i) => !timeColumns.Contains(i))))
            .ToList();
    }
}
