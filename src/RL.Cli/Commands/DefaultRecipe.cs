using System.Globalization;
using RL.Core.Config;

namespace RL.Cli.Commands;

/// <summary>What the default recipe is sized by: logical cores and the memory this process may use.</summary>
public readonly record struct MachineFacts(int Cores, long AvailableMemoryBytes)
{
    /// <summary>
    /// This machine. <see cref="Environment.ProcessorCount"/> honours cgroup CPU limits and DOTNET_PROCESSOR_COUNT (how
    /// tests and users pretend to have another core count); the GC's figure honours container memory limits.
    /// </summary>
    public static MachineFacts Current => new(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
}

/// <summary>The default of `rl train` without a config: the config tree (the overrides it chose applied) and why.</summary>
public sealed record DefaultRecipeChoice(ConfigNode Root, IReadOnlyList<string> Explanation);

/// <summary>
/// `rl train` with no config trains the 2-core Reason8 recipe (experiments/configs/ddpg-l2r-reason8-2core.yaml) for a
/// budget of decisions, sized to the machine. Issue 11: the full 2017 recipe (batch 1000 + 1000 mirrored, one update per
/// decision, a 5 M replay of ~2 GB, 2 hours) ran at ~88 decisions/s on 2 cores, where the 2-core recipe runs at
/// 600-940 and reached 20.5 m in 2 hours; the full recipe stays one named config away (ddpg-l2r-reason8.yaml).
/// </summary>
public static class DefaultRecipe
{
    public const string RecipeFile = "experiments/configs/ddpg-l2r-reason8-2core.yaml";
    public const string FullRecipeFile = "experiments/configs/ddpg-l2r-reason8.yaml";
    public const string RunName = "ddpg-l2r-default";

    /// <summary>
    /// The budget in decisions (agent steps, 4 simulator steps each), not hours, so that a loaded machine reaches the same
    /// point later instead of a worse one (developers' guide: compare at equal env steps). 1.2 M decisions take ~21 min at
    /// the ~940 decisions/s an idle 2-core machine gave the 2-core recipe (2026-11-25 run).
    /// </summary>
    public const long BudgetDecisions = 1_200_000;

    /// <summary>The 2-core recipe's speed on an idle 2-core machine (2026-11-25 run, experiments/results), for the estimate of its duration.</summary>
    public const double IdleTwoCoreDecisionsPerSecond = 940;

    /// <summary>Evaluations by decisions too, so which checkpoint is "best" does not depend on machine load: 8 of them.</summary>
    public const long EvaluationEveryDecisions = 150_000;

    /// <summary>
    /// Replay transition size for L2R: observation and next observation (41 floats each), 18 actions, reward and a
    /// terminal byte. The buffer grows in chunks as it fills, so this bounds what it can reach, not what it takes at once.
    /// </summary>
    public const long BytesPerTransition = (2 * 41 + 18 + 1) * sizeof(float) + 1;

    /// <summary>Reason8's replay size (e2ffeaa config.py).</summary>
    public const long RecipeBufferSize = 5_000_000;

    /// <summary>The share of available memory the replay may grow to; the rest is for the env servers, TorchSharp and the OS.</summary>
    public const double BufferMemoryFraction = 0.25;

    public static DefaultRecipeChoice For(MachineFacts machine)
    {
        if (machine.Cores < 1) throw new ArgumentOutOfRangeException(nameof(machine), machine.Cores, "a machine has at least one core.");
        var root = ConfigNode.Merge(Parse("RL.Cli.default-base.yaml", FullRecipeFile), Parse("RL.Cli.default-train.yaml", RecipeFile));
        root.Remove(YamlConfigReader.BaseKey);

        // Reason8 ran N samplers + 1 learner. The 2-core recipe is 1 sampler (with its env server) + 1 learner thread at
        // 0.25 updates per decision. More cores: the learner gets a quarter of them (batch 256 + 256 parallelises only so
        // far) and each further sampler + env server pair about two cores; the updates-per-decision ratio stays, so the
        // learning per decision is the measured recipe's and the samplers wait when the learner cannot keep up.
        int learnerThreads = machine.Cores <= 3 ? 1 : Math.Clamp(machine.Cores / 4, 1, 8);
        int samplers = machine.Cores <= 3 ? 1 : Math.Clamp((machine.Cores - learnerThreads) / 2, 1, 32);
        long buffer = Math.Min(RecipeBufferSize, (long)(machine.AvailableMemoryBytes * BufferMemoryFraction / BytesPerTransition));
        if (buffer < 100_000)
            throw new ConfigException(new ConfigSource("built-in default", 0, 0), "ddpg.buffer_size",
                $"this machine has {Gb(machine.AvailableMemoryBytes)} available, too little for the default recipe's replay buffer " +
                $"(at least 100,000 transitions of {BytesPerTransition} bytes in a quarter of it); pass a config with a smaller ddpg.buffer_size.");

        string[] overrides =
        {
            $"name={RunName}",
            $"train.max_env_steps={BudgetDecisions}",
            "train.max_hours=0",
            "evaluation.every_minutes=0",
            $"evaluation.every_env_steps={EvaluationEveryDecisions}",
            $"env.groups={samplers}",
            $"torch_threads={learnerThreads}",
            $"ddpg.buffer_size={buffer}",
        };
        foreach (string o in overrides) YamlConfigReader.ApplyOverride(root, o, $"built-in default for {machine.Cores} cores");

        string[] why =
        {
            string.Create(CultureInfo.InvariantCulture,
                $"built-in default for this machine ({machine.Cores} cores, {Gb(machine.AvailableMemoryBytes)}): Reason8's DDPG, 2-core recipe " +
                $"({samplers} sampler{(samplers == 1 ? " + its env server" : "s + their env servers")}, learner on {learnerThreads} thread{(learnerThreads == 1 ? "" : "s")}, " +
                $"replay up to {buffer / 1e6:0.##} M transitions = {Gb(buffer * BytesPerTransition)}) for {BudgetDecisions / 1e6:0.##} M decisions " +
                $"(~{BudgetDecisions / IdleTwoCoreDecisionsPerSecond / 60:F0} min on an idle 2-core machine)"),
            $"the full 2017 recipe is one config away: rl train {FullRecipeFile}",
        };
        return new DefaultRecipeChoice(root, why);
    }

    private static ConfigNode Parse(string resource, string displayName)
    {
        using var stream = typeof(DefaultRecipe).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the built-in config {displayName} is missing from the rl assembly.");
        using var reader = new StreamReader(stream);
        return YamlConfigReader.Parse(reader.ReadToEnd(), displayName);
    }

    private static string Gb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB");
}
