using System.Globalization;
using RL.Algorithms;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Config;
using RL.Core.Devices;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs;

namespace RL.Cli.Commands;

/// <summary>
/// A trained run opened to run its deterministic policy: what `rl eval` and `rl render` share so the two cannot drift
/// apart (issue 13): the run's effective config and algorithm, the evaluation env options, the checkpoint choice and
/// the policy loaded with the run's observation pipeline.
/// </summary>
internal sealed class EvaluatedRun
{
    private EvaluatedRun(RunDirectory run, RunConfig config, IAlgorithm algorithm)
    {
        Run = run;
        Config = config;
        Algorithm = algorithm;
    }

    public RunDirectory Run { get; }
    public RunConfig Config { get; }
    public IAlgorithm Algorithm { get; }

    /// <summary>Opens a run directory; a missing run or a config that does not load is a <see cref="ConfigException"/> or <see cref="IOException"/> (usage errors).</summary>
    public static EvaluatedRun Open(string runPath)
    {
        var run = RunDirectory.Open(runPath);
        // The run's effective config: config.yaml plus the budget and evaluation overrides its resumes kept.
        var config = RunConfigLoader.LoadRun(run.Root, Array.Empty<string>());
        return new EvaluatedRun(run, config, AlgorithmCatalog.For(config.Algorithm));
    }

    /// <summary>
    /// The env options of evaluation: env.options, then evaluation.options, then the command line's difficulty, obstacle
    /// count and key=value options. A key=value without '=' is an <see cref="ArgumentException"/> saying so.
    /// </summary>
    public Dictionary<string, string> EnvOptions(int? difficulty = null, int? obstacles = null, IReadOnlyList<string>? extra = null)
    {
        var options = new Dictionary<string, string>(Config.Env.Options);
        foreach (var (k, v) in Config.Evaluation.Options) options[k] = v;
        if (difficulty is int d) options["difficulty"] = d.ToString(CultureInfo.InvariantCulture);
        if (obstacles is int o) options["max_obstacles"] = o.ToString(CultureInfo.InvariantCulture);
        foreach (string kv in extra ?? Array.Empty<string>())
        {
            int eq = kv.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--option '{kv}' must look like key=value.");
            options[kv[..eq]] = kv[(eq + 1)..];
        }
        return options;
    }

    /// <summary>The checkpoint `--checkpoint` names (best, latest or a directory), read and verified in memory (<see cref="EvalCheckpointChoice"/>).</summary>
    public EvalCheckpoint OpenCheckpoint(string name)
    {
        var store = new CheckpointStore(Run.CheckpointsDirectory, Config.Checkpoint.KeepLast, Config.Checkpoint.KeepBest);
        return EvalCheckpointChoice.Open(store, name, Algorithm.PolicyFiles, ScoreUnit.SuffixFor(Config.Env.Id));
    }

    /// <summary>The checkpoint's deterministic policy, fed raw observations of <paramref name="spec"/> through the run's observation pipeline.</summary>
    public IEvaluationPolicy LoadPolicy(EnvSpec spec, CheckpointReader checkpoint)
    {
        var o = Config.Observation;
        var transform = new ObservationTransform(spec, o.RelativeTo, o.Relative, o.Drop);
        var pipeline = new ObservationPipeline(transform, o.Normalize, o.Clip, o.Epsilon);
        var device = TorchDevices.Resolve(Config.Device);
        Config.ApplyTorchThreads();
        return Algorithm.LoadPolicy(Config, pipeline, spec.ActionSpace, checkpoint, device);
    }
}
