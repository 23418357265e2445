using System.Globalization;
using System.Text;
using RL.Core.Config;

namespace RL.Cli.Sweeps;

/// <summary>What bounds one cell of a sweep: decisions, updates and/or wall-clock hours (0 = no limit).</summary>
public sealed record SweepBudget(long EnvSteps, long Updates, double Hours)
{
    /// <summary>The train.max_* overrides that give a cell exactly this budget, whatever its base config says.</summary>
    public IReadOnlyList<string> Overrides => new[]
    {
        $"train.max_env_steps={EnvSteps.ToString(CultureInfo.InvariantCulture)}",
        $"train.max_updates={Updates.ToString(CultureInfo.InvariantCulture)}",
        $"train.max_hours={Hours.ToString("R", CultureInfo.InvariantCulture)}",
    };

    /// <summary>True when a run that reached <paramref name="done"/> has also reached this budget.</summary>
    public bool IsCoveredBy(SweepBudget done) =>
        Covers(EnvSteps, done.EnvSteps) && Covers(Updates, done.Updates) && (Hours == 0 ? done.Hours == 0 : done.Hours != 0 && done.Hours >= Hours);

    // A limit of 0 means "none": only a finished run that had no limit either covers it.
    private static bool Covers(long wanted, long done) => wanted == 0 ? done == 0 : done != 0 && done >= wanted;

    public override string ToString()
    {
        var parts = new List<string>();
        if (EnvSteps > 0) parts.Add($"{EnvSteps.ToString("N0", CultureInfo.InvariantCulture)} decisions");
        if (Updates > 0) parts.Add($"{Updates.ToString("N0", CultureInfo.InvariantCulture)} updates");
        if (Hours > 0) parts.Add($"{Hours.ToString("0.###", CultureInfo.InvariantCulture)} h");
        return string.Join(" or ", parts);
    }
}

/// <summary>
/// One named variant: the overrides (key=value, applied after the experiment's common ones) that make it, and
/// its own base config when it has one (`base:` inside the variant: DDPG vs PPO vs TRPO differ in their recipe).
/// </summary>
public sealed record SweepVariant(string Name, IReadOnlyList<string> Overrides, string? BaseConfig = null);

/// <summary>
/// An experiment file (issue 13): a base config, named variants (each a set of overrides), seeds and a per-cell
/// budget. Every variant × seed is one cell, trained into <c>runs/&lt;experiment&gt;/&lt;variant&gt;/seed_&lt;k&gt;/</c>.
/// Errors name the file, line and key, like config errors.
/// </summary>
public sealed class ExperimentFile
{
    public required string Path { get; init; }
    public required string Name { get; init; }
    /// <summary>The base config's path, resolved against the experiment file's folder.</summary>
    public required string BaseConfig { get; init; }
    public required IReadOnlyList<long> Seeds { get; init; }
    public required SweepBudget Budget { get; init; }
    /// <summary>Overrides every cell gets (before its variant's).</summary>
    public required IReadOnlyList<string> Common { get; init; }
    public required IReadOnlyList<SweepVariant> Variants { get; init; }
    /// <summary>Cells trained at once; null = fit the machine's cores (RL.Cli.Commands.SweepParallelism).</summary>
    public int? Parallel { get; init; }
    /// <summary>How many times a failed cell is tried again before it counts as failed.</summary>
    public int Retries { get; init; } = 2;
    /// <summary>The file's text, copied beside the runs so a later sweep can tell whether the grid changed.</summary>
    public required string Text { get; init; }

    private static readonly string[] Keys = { "experiment", "description", "base", "seeds", "budget", "set", "variants", "parallel", "retries" };

    public static ExperimentFile Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new ConfigException(new ConfigSource(path, 0, 0), "", $"experiment file not found ({full}).");
        string text = File.ReadAllText(full);
        var root = YamlConfigReader.Parse(text, path);
        var errors = new List<ConfigError>();
        if (root.Kind != ConfigNodeKind.Mapping || root.Entries.Count == 0)
            throw new ConfigException(root.Source, "", "an experiment file is a mapping with experiment, base, seeds, budget and variants.");
        foreach (var (key, keySource, _) in root.Entries)
            if (!Keys.Contains(key))
                errors.Add(new ConfigError(keySource, key, $"is not an experiment key (expected one of {string.Join(", ", Keys)}); config keys go under set: or a variant."));

        string name = RequiredScalar(root, "experiment", errors) ?? "";
        if (name.Length > 0 && (name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name.StartsWith('.')))
            errors.Add(new ConfigError(root.Get("experiment")!.Source, "experiment", $"'{name}' cannot be a directory name."));
        string baseName = RequiredScalar(root, "base", errors) ?? "";
        string baseConfig = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, baseName));
        if (baseName.Length > 0 && !File.Exists(baseConfig))
            errors.Add(new ConfigError(root.Get("base")!.Source, "base", $"the base config '{baseName}' does not exist ({baseConfig})."));

        var seeds = new List<long>();
        var seedsNode = root.Get("seeds");
        if (seedsNode is null) errors.Add(new ConfigError(root.Source, "seeds", "is missing: list the master seeds, e.g. seeds: [1, 2, 3]."));
        else if (seedsNode.Kind != ConfigNodeKind.Sequence || seedsNode.Items.Count == 0)
            errors.Add(new ConfigError(seedsNode.Source, "seeds", "must be a non-empty list of whole numbers, e.g. [1, 2, 3]."));
        else
            foreach (var item in seedsNode.Items)
            {
                if (item.Kind == ConfigNodeKind.Scalar && long.TryParse(item.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s >= 0)
                {
                    if (seeds.Contains(s)) errors.Add(new ConfigError(item.Source, "seeds", $"seed {s} is listed twice."));
                    else seeds.Add(s);
                }
                else errors.Add(new ConfigError(item.Source, "seeds", $"'{item.Value}' is not a whole number ≥ 0."));
            }

        var budget = ReadBudget(root.Get("budget"), root.Source, errors);

        var common = new List<string>();
        if (root.Get("set") is ConfigNode set)
        {
            if (set.Kind != ConfigNodeKind.Mapping) errors.Add(new ConfigError(set.Source, "set", "must be a mapping of config keys to values."));
            else common.AddRange(Assignments(set, "set", errors));
        }

        var variants = new List<SweepVariant>();
        var variantsNode = root.Get("variants");
        if (variantsNode is null || variantsNode.Kind != ConfigNodeKind.Mapping || variantsNode.Entries.Count == 0)
            errors.Add(new ConfigError(variantsNode?.Source ?? root.Source, "variants", "must map each variant's name to its overrides (an empty map {} for the base itself)."));
        else
            foreach (var (key, keySource, value) in variantsNode.Entries)
            {
                if (key.Length == 0 || key.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || key.StartsWith('.') || key.StartsWith("seed_", StringComparison.Ordinal))
                    errors.Add(new ConfigError(keySource, $"variants.{key}", "a variant's name is a directory name: letters, digits, '-', '_' (and not seed_…)."));
                if (value.IsNull) { variants.Add(new SweepVariant(key, Array.Empty<string>())); continue; }
                if (value.Kind != ConfigNodeKind.Mapping)
                {
                    errors.Add(new ConfigError(value.Source, $"variants.{key}", "must be a mapping of config keys to values ({} for none)."));
                    continue;
                }
                string? variantBase = null;
                if (value.Get("base") is ConfigNode vb)
                {
                    value.Remove("base");
                    variantBase = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, vb.Value ?? ""));
                    if (vb.Kind != ConfigNodeKind.Scalar || vb.Value is null || !File.Exists(variantBase))
                        errors.Add(new ConfigError(vb.Source, $"variants.{key}.base", $"the base config '{vb.Value}' does not exist ({variantBase})."));
                }
                variants.Add(new SweepVariant(key, Assignments(value, $"variants.{key}", errors), variantBase));
            }

        int? parallel = null;
        if (root.Get("parallel") is ConfigNode p)
        {
            if (p.Kind == ConfigNodeKind.Scalar && int.TryParse(p.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1) parallel = n;
            else errors.Add(new ConfigError(p.Source, "parallel", $"'{p.Value}' is not a whole number ≥ 1."));
        }
        int retries = 2;
        if (root.Get("retries") is ConfigNode r)
        {
            if (r.Kind == ConfigNodeKind.Scalar && int.TryParse(r.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n is >= 0 and <= 100) retries = n;
            else errors.Add(new ConfigError(r.Source, "retries", $"'{r.Value}' is not a whole number in [0, 100]."));
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return new ExperimentFile
        {
            Path = full, Name = name, BaseConfig = baseConfig, Seeds = seeds, Budget = budget!, Common = common,
            Variants = variants, Parallel = parallel, Retries = retries, Text = text,
        };
    }

    private static SweepBudget? ReadBudget(ConfigNode? node, ConfigSource rootSource, List<ConfigError> errors)
    {
        if (node is null || node.Kind != ConfigNodeKind.Mapping)
        {
            errors.Add(new ConfigError(node?.Source ?? rootSource, "budget",
                "must give each cell's budget: env_steps (decisions, comparable whatever else the machine runs), updates and/or hours."));
            return null;
        }
        long steps = 0, updates = 0;
        double hours = 0;
        foreach (var (key, keySource, value) in node.Entries)
        {
            bool ok = key switch
            {
                "env_steps" => long.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out steps) && steps >= 0,
                "updates" => long.TryParse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out updates) && updates >= 0,
                "hours" => double.TryParse(value.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out hours) && hours >= 0 && double.IsFinite(hours),
                _ => false,
            };
            if (key is not ("env_steps" or "updates" or "hours"))
                errors.Add(new ConfigError(keySource, $"budget.{key}", "is not a budget key (env_steps, updates, hours)."));
            else if (!ok)
                errors.Add(new ConfigError(value.Source, $"budget.{key}", $"'{value.Value}' is not a number ≥ 0."));
        }
        if (steps == 0 && updates == 0 && hours == 0)
            errors.Add(new ConfigError(node.Source, "budget", "sets no limit: give env_steps, updates or hours (a cell must end)."));
        return new SweepBudget(steps, updates, hours);
    }

    private static string? RequiredScalar(ConfigNode root, string key, List<ConfigError> errors)
    {
        var node = root.Get(key);
        if (node is null || node.Kind != ConfigNodeKind.Scalar || string.IsNullOrWhiteSpace(node.Value))
        {
            errors.Add(new ConfigError(node?.Source ?? root.Source, key, node is null ? "is missing." : "must be a non-empty value."));
            return null;
        }
        return node.Value;
    }

    // Each entry becomes one --set assignment; a dotted key (ddpg.flip_prob: 0) and a nested map (ddpg: {flip_prob: 0})
    // give the same result because an override's mapping value merges into the config.
    private static List<string> Assignments(ConfigNode map, string where, List<ConfigError> errors)
    {
        var list = new List<string>();
        foreach (var (key, keySource, value) in map.Entries)
        {
            if (key is "seed" or "name" or "runs_dir" || key.StartsWith("train.max_", StringComparison.Ordinal))
            {
                errors.Add(new ConfigError(keySource, $"{where}.{key}", "is set by the sweep for every cell (seeds:, budget:, the experiment and variant names)."));
                continue;
            }
            list.Add($"{key}={ToYaml(value)}");
        }
        return list;
    }

    /// <summary>A node as one line of YAML flow text, as an override's value.</summary>
    internal static string ToYaml(ConfigNode node)
    {
        switch (node.Kind)
        {
            case ConfigNodeKind.Scalar:
                if (node.Value is null) return "~";
                return node.Quoted ? "\"" + node.Value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : node.Value;
            case ConfigNodeKind.Sequence:
                return "[" + string.Join(", ", node.Items.Select(ToYaml)) + "]";
            default:
                var sb = new StringBuilder("{");
                for (int i = 0; i < node.Entries.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(node.Entries[i].Key).Append(": ").Append(ToYaml(node.Entries[i].Value));
                }
                return sb.Append('}').ToString();
        }
    }

    /// <summary>Every cell, seed-major (seed 1 of every variant first), so a grid cut short still has comparable seeds.</summary>
    public IReadOnlyList<SweepCell> Cells(string runsRoot)
    {
        string root = System.IO.Path.Combine(runsRoot, Name);
        var cells = new List<SweepCell>();
        foreach (long seed in Seeds)
            foreach (var variant in Variants)
                cells.Add(new SweepCell(this, variant, seed, System.IO.Path.Combine(root, variant.Name, $"seed_{seed.ToString(CultureInfo.InvariantCulture)}")));
        return cells;
    }
}
