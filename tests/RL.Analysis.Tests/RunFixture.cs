using System.Globalization;
using System.Text;

namespace RL.Analysis.Tests;

/// <summary>What one fixture run logs: its config and the rows of its three CSV files (x in decisions).</summary>
internal sealed record RunSpec
{
    public string Name { get; init; } = "exp";
    public long Seed { get; init; } = 1;
    public string Algorithm { get; init; } = "ddpg";

    /// <summary>Further config.yaml keys, dotted ("ddpg.flip_prob").</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    /// <summary>Training episodes: the decisions when each ended, its score and end reason.</summary>
    public IReadOnlyList<(double Steps, double Score, string End)> Episodes { get; init; } = [];

    /// <summary>Scheduled evaluations: the decisions of the evaluated policy and its episodes' scores.</summary>
    public IReadOnlyList<(double Steps, double[] Scores)> Evaluations { get; init; } = [];

    /// <summary>progress.csv rows: decisions and critic loss (null: an empty cell).</summary>
    public IReadOnlyList<(double Steps, double? Loss)> Progress { get; init; } = [];

    public static IReadOnlyList<(double, double, string)> Scores(params (double Steps, double Score)[] episodes) =>
        episodes.Select(e => (e.Steps, e.Score, "terminated")).ToArray();
}

/// <summary>
/// Run directories as `rl train` and `rl sweep` write them (docs/run-directory.md), in a temporary folder: config.yaml,
/// the three CSVs with their column sidecars. Updates are decisions / 4 and training seconds decisions / 100, so a
/// test can check any x axis by hand. Shared by the analysis and CLI tests (linked into RL.Cli.Tests).
/// </summary>
internal sealed class RunFixture : IDisposable
{
    public RunFixture() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"rl-runs-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    /// <summary>Writes the run at <paramref name="relative"/> under the root and returns its directory.</summary>
    public string Run(string relative, RunSpec spec)
    {
        string dir = Path.Combine(Root, relative);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.yaml"), ConfigYaml(spec));
        if (spec.Episodes.Count > 0)
            Csv(dir, "episodes", ["env_steps", "updates", "wall_s", "group", "env", "seed", "score", "return", "length", "end_reason", "exploration"],
                spec.Episodes.Select((e, i) => Counters(e.Steps).Concat(["0", "0", N(1000 + i), N(e.Score), N(e.Score), "30", e.End, "ou"])));
        if (spec.Evaluations.Count > 0)
            Csv(dir, "evaluations", ["env_steps", "updates", "wall_s", "source", "checkpoint", "episode", "seed", "score", "return", "length", "end_reason", "options"],
                spec.Evaluations.SelectMany(e => e.Scores.Select((s, k) =>
                    Counters(e.Steps).Concat(["train", $"step_{e.Steps / 4}", N(k), N(1_000_000 + k), N(s), N(s), "30", "terminated", "difficulty=2"]))));
        if (spec.Progress.Count > 0)
            Csv(dir, "progress", ["time/updates", "time/env_steps", "time/episodes", "time/wall_s", "losses/critic_loss"],
                spec.Progress.Select(p => new[] { N(p.Steps / 4), N(p.Steps), "1", N(p.Steps / 100), p.Loss is double l ? N(l) : "" }));
        return dir;
    }

    /// <summary>The experiment file `rl sweep` copies into runs/&lt;experiment&gt;/, its variants in this order.</summary>
    public void Experiment(string name, params string[] variants) =>
        File.WriteAllText(Path.Combine(Root, "experiment.yaml"),
            $"experiment: {name}\nseeds: [1, 2, 3]\nbudget:\n  env_steps: 1000\nvariants:\n" + string.Concat(variants.Select(v => $"  {v}: {{}}\n")));

    private static string[] Counters(double steps) => [N(steps), N(steps / 4), N(steps / 100)];

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string ConfigYaml(RunSpec spec)
    {
        var keys = new List<(string Key, string Value)>
        {
            ("name", spec.Name), ("seed", spec.Seed.ToString(CultureInfo.InvariantCulture)), ("algorithm", spec.Algorithm),
            ("env.id", "L2R"), ("env.options.difficulty", "\"2\""), ("train.max_env_steps", "1000"),
        };
        foreach (var (k, v) in spec.Config)
        {
            int i = keys.FindIndex(x => x.Key == k);
            if (i >= 0) keys[i] = (k, v);
            else keys.Add((k, v));
        }
        keys.Add(("provenance.written_utc", "\"2026-12-05T17:16:03Z\""));
        keys.Add(("provenance.versions.rl", "0.1.0+abc"));
        keys.Add(("provenance.versions.git_commit", "abc"));
        // Nested YAML from dotted keys, each section written where its first key comes.
        var s = new StringBuilder();
        var open = new List<string>();
        foreach (var (key, value) in keys)
        {
            var parts = key.Split('.');
            int common = 0;
            while (common < open.Count && common < parts.Length - 1 && open[common] == parts[common]) common++;
            open.RemoveRange(common, open.Count - common);
            for (int d = common; d < parts.Length - 1; d++)
            {
                s.Append(' ', 2 * d).Append(parts[d]).Append(":\n");
                open.Add(parts[d]);
            }
            s.Append(' ', 2 * (parts.Length - 1)).Append(parts[^1]).Append(": ").Append(value).Append('\n');
        }
        return s.ToString();
    }

    private static void Csv(string dir, string name, string[] header, IEnumerable<IEnumerable<string>> rows)
    {
        var s = new StringBuilder(string.Join(',', header)).Append('\n');
        foreach (var row in rows) s.Append(string.Join(',', row)).Append('\n');
        File.WriteAllText(Path.Combine(dir, name + ".csv"), s.ToString());
        // The units the trainer's sidecars give (RunFileColumns), meanings quoted where they hold commas as the real ones do.
        var sidecar = new StringBuilder("column,unit,meaning\n");
        foreach (string column in header)
        {
            string unit = column switch
            {
                "env_steps" or "time/env_steps" or "length" => "decisions",
                "updates" or "time/updates" => "updates",
                "wall_s" or "time/wall_s" => "s",
                "score" => "m (Learning to Run); other envs: their task reward",
                "losses/critic_loss" => "reward^2",
                _ => "text",
            };
            sidecar.Append($"{column},{unit},\"the {column}, as logged\"\n");
        }
        File.WriteAllText(Path.Combine(dir, name + ".columns.csv"), sidecar.ToString());
    }
}
