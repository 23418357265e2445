using System.Globalization;
using RL.Algorithms.Training;
using RL.Core.Config;
using RL.Core.Logging;

namespace RL.Cli.Sweeps;

/// <summary>Where a cell stands, read from its run directory alone (so a sweep killed at any point resumes).</summary>
public enum CellState
{
    /// <summary>No run yet (or only a start that died before writing config.yaml).</summary>
    Pending,
    /// <summary>A run that has not finished its budget: it resumes from its newest checkpoint (or restarts if it has none).</summary>
    Interrupted,
    /// <summary>Trained to (at least) the budget: skipped.</summary>
    Done,
    /// <summary>Another process trains it now (its train.lock is held): left alone.</summary>
    Busy,
}

/// <summary>What one attempt of a cell runs: <c>rl train</c> on a new run, or <c>rl train --resume</c>.</summary>
public sealed record TrainRequest(string? ConfigPath, IReadOnlyList<string> Overrides, string? Resume, string? RunDirectory)
{
    /// <summary>The <c>rl train</c> arguments (after the verb) that make this request.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>();
        if (ConfigPath is not null) args.Add(ConfigPath);
        if (Resume is not null) { args.Add("--resume"); args.Add(Resume); }
        if (RunDirectory is not null) { args.Add("--run-dir"); args.Add(RunDirectory); }
        foreach (string o in Overrides) { args.Add("--set"); args.Add(o); }
        return args;
    }

    /// <summary>The same as one shell line, for logs and --dry-run (quoted only where a shell needs it).</summary>
    public string CommandLine() => "rl train " + string.Join(' ', Arguments().Select(Quote));

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";
}

/// <summary>
/// One variant × seed of an experiment and its run directory. The run directory is the truth about the cell:
/// a finished attempt leaves <see cref="DoneFileName"/> there with the budget it reached, anything else with a
/// config.yaml is an interrupted run.
/// </summary>
public sealed record SweepCell(ExperimentFile Experiment, SweepVariant Variant, long Seed, string Directory)
{
    /// <summary>Written into the run directory when a cell's `rl train` exits 0 (its budget reached).</summary>
    public const string DoneFileName = "sweep-cell.yaml";

    /// <summary>The config the cell starts from: its variant's own base, else the experiment's.</summary>
    public string BaseConfig => Variant.BaseConfig ?? Experiment.BaseConfig;

    public string Id => $"{Variant.Name}/seed_{Seed.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every override of a new run, in order: seed and name, the budget, the experiment's, the variant's.</summary>
    public IReadOnlyList<string> Overrides
    {
        get
        {
            var list = new List<string>
            {
                $"seed={Seed.ToString(CultureInfo.InvariantCulture)}",
                $"name={Experiment.Name}-{Variant.Name}",
            };
            list.AddRange(Experiment.Budget.Overrides);
            list.AddRange(Experiment.Common);
            list.AddRange(Variant.Overrides);
            return list;
        }
    }

    // Relative to where the sweep runs (the cells run there too), so logs and --dry-run read like commands a person types.
    public TrainRequest NewRun() => new(System.IO.Path.GetRelativePath(Environment.CurrentDirectory, BaseConfig), Overrides, null, Directory);

    /// <summary>A resume may change only budgets and schedules; the budget is restated so a grown budget extends the run.</summary>
    public TrainRequest ResumeRun() => new(null, Experiment.Budget.Overrides, Directory, null);

    public bool HasConfig => File.Exists(System.IO.Path.Combine(Directory, "config.yaml"));

    /// <summary>Whether the run has a checkpoint to resume from (its `latest` pointer).</summary>
    public bool HasCheckpoint => File.Exists(System.IO.Path.Combine(Directory, "checkpoints", "latest"));

    public CellState Inspect(out string? owner)
    {
        owner = null;
        if (!System.IO.Directory.Exists(Directory) || !HasConfig) return CellState.Pending;
        if (RunLock.IsHeld(Directory, out owner)) return CellState.Busy;
        if (ReadDone() is SweepBudget reached && Experiment.Budget.IsCoveredBy(reached)) return CellState.Done;
        if (LatestCheckpointReachedBudget()) return CellState.Done;
        return CellState.Interrupted;
    }

    /// <summary>
    /// A run trained to this budget by `rl train --run-dir` without the sweep (or whose sweep died before writing
    /// the marker) is done too: its final checkpoint's counters show it. Only decision and update budgets can be
    /// read this way; a wall-clock budget needs the marker.
    /// </summary>
    private bool LatestCheckpointReachedBudget()
    {
        var b = Experiment.Budget;
        if (b.Hours > 0) return false;
        try
        {
            string checkpoints = System.IO.Path.Combine(Directory, "checkpoints");
            string name = File.ReadAllText(System.IO.Path.Combine(checkpoints, "latest")).Trim();
            using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(checkpoints, name, "manifest.json")));
            var meta = manifest.RootElement.GetProperty("meta");
            long steps = long.Parse(meta.GetProperty("env_steps").GetString()!, CultureInfo.InvariantCulture);
            long updates = long.Parse(meta.GetProperty("updates").GetString()!, CultureInfo.InvariantCulture);
            return (b.EnvSteps == 0 || steps >= b.EnvSteps) && (b.Updates == 0 || updates >= b.Updates);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or KeyNotFoundException
                                       or FormatException or OverflowException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The budget a finished attempt reached, or null when no attempt finished.</summary>
    public SweepBudget? ReadDone() => ReadDone(out _);

    /// <summary>The budget a finished attempt reached and how many attempts the sweep that finished it made.</summary>
    public SweepBudget? ReadDone(out int attempts)
    {
        attempts = 0;
        string path = System.IO.Path.Combine(Directory, DoneFileName);
        if (!File.Exists(path)) return null;
        try
        {
            var node = YamlConfigReader.Parse(File.ReadAllText(path), path);
            attempts = int.Parse(node.Get("attempts")?.Value ?? "0", CultureInfo.InvariantCulture);
            long steps = long.Parse(node.Get("env_steps")?.Value ?? "0", CultureInfo.InvariantCulture);
            long updates = long.Parse(node.Get("updates")?.Value ?? "0", CultureInfo.InvariantCulture);
            double hours = double.Parse(node.Get("hours")?.Value ?? "0", CultureInfo.InvariantCulture);
            return new SweepBudget(steps, updates, hours);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigException or IOException)
        {
            // A marker a person edited into nonsense: the cell resumes, and its own budget check stops it at once if done.
            return null;
        }
    }

    public void WriteDone(int attempts)
    {
        var b = Experiment.Budget;
        string text = string.Create(CultureInfo.InvariantCulture,
            $"# rl sweep: this cell finished its budget; a sweep with the same or a smaller budget skips it.\n" +
            $"experiment: {Experiment.Name}\nvariant: {Variant.Name}\nseed: {Seed}\n" +
            $"env_steps: {b.EnvSteps}\nupdates: {b.Updates}\nhours: {b.Hours:R}\nattempts: {attempts}\nfinished_utc: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
        AtomicFile.WriteAllText(System.IO.Path.Combine(Directory, DoneFileName), text);
    }

    /// <summary>
    /// The cell's config as it would be started now next to the one its run has, both without budgets (a budget
    /// may grow): a difference means the experiment file or its base changed after the cell ran, and mixing such
    /// runs in one curve would be wrong. Null when they agree.
    /// </summary>
    public string? ConfigDrift()
    {
        // The same placeholder budget on both sides (a budget of 0 everywhere is refused as a run that never stops).
        string[] noBudget = { "train.max_env_steps=1", "train.max_updates=0", "train.max_hours=0" };
        string wanted = ConfigWriter.ToYaml(RunConfigLoader.Load(BaseConfig, Overrides.Concat(noBudget).ToList()));
        string have = ConfigWriter.ToYaml(RunConfigLoader.LoadRun(Directory, noBudget));
        if (wanted == have) return null;
        var w = wanted.Split('\n');
        var h = have.Split('\n');
        for (int i = 0; i < Math.Max(w.Length, h.Length); i++)
        {
            string a = i < w.Length ? w[i] : "";
            string c = i < h.Length ? h[i] : "";
            if (a != c) return $"line {i + 1} of the effective config: the experiment now gives '{a.Trim()}', the run has '{c.Trim()}'";
        }
        return "the effective configs differ";
    }
}
