using System.Text.RegularExpressions;

namespace RL.Analysis;

/// <summary>The runs of one variant, in seed order.</summary>
public sealed record VariantRuns(string Name, IReadOnlyList<RunRecord> Runs);

/// <summary>What a scan found under a root: the variants in order, the experiment file if any, and the directories left out with why.</summary>
public sealed record RunSet(string Root, ExperimentCopy? Experiment, IReadOnlyList<VariantRuns> Variants, IReadOnlyList<string> Skipped)
{
    public IEnumerable<RunRecord> Runs => Variants.SelectMany(v => v.Runs);
}

/// <summary>
/// Finds the run directories under a root and groups them into variants. Two layouts: `rl sweep`'s
/// runs/&lt;experiment&gt;/&lt;variant&gt;/seed_&lt;k&gt;/ (the variant is the path above seed_&lt;k&gt;), and a plain folder of
/// `rl train` runs, runs/&lt;name&gt;-seed&lt;N&gt;/ (the variant is config.yaml's name, which every seed shares).
/// </summary>
public static partial class RunScan
{
    [GeneratedRegex(@"^seed_(\d+)$")]
    private static partial Regex SweepSeed();

    /// <summary>Scans <paramref name="root"/>; a missing root is a <see cref="DirectoryNotFoundException"/>.</summary>
    public static RunSet Scan(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such directory.");
        string full = Path.GetFullPath(root);
        var runs = new List<RunRecord>();
        var skipped = new List<string>();
        Visit(full, full, runs, skipped);
        var experiment = ExperimentCopy.In(full);
        var order = (experiment?.Variants ?? []).Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i, StringComparer.Ordinal);
        var variants = runs.GroupBy(r => r.Variant, StringComparer.Ordinal)
            .OrderBy(g => order.GetValueOrDefault(g.Key, int.MaxValue))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new VariantRuns(g.Key, g.OrderBy(r => r.Seed ?? long.MaxValue).ThenBy(r => r.RelativePath, StringComparer.Ordinal).ToArray()))
            .ToArray();
        return new RunSet(full, experiment, variants, skipped);
    }

    private static void Visit(string directory, string root, List<RunRecord> runs, List<string> skipped)
    {
        string relative = Relative(root, directory);
        bool hasConfig = File.Exists(Path.Combine(directory, RunRecord.ConfigFileName));
        bool hasCsv = new[] { RunRecord.ProgressFile, RunRecord.EpisodesFile, RunRecord.EvaluationsFile }
            .Any(f => RunRecord.Find(directory, f) is not null);
        // A run directory holds no other runs (its subfolders are checkpoints/, tb/, eval/): the scan stops there.
        if (hasConfig || hasCsv)
        {
            if (!hasConfig) skipped.Add($"{relative}: no {RunRecord.ConfigFileName} (not a run directory rl train wrote)");
            else if (!hasCsv) skipped.Add($"{relative}: no {RunRecord.ProgressFile}, {RunRecord.EpisodesFile} or {RunRecord.EvaluationsFile} yet");
            else
            {
                try
                {
                    runs.Add(Record(directory, root, relative));
                }
                catch (InvalidDataException e)
                {
                    skipped.Add($"{relative}: unreadable {RunRecord.ConfigFileName}: {e.Message}");
                }
            }
            return;
        }
        foreach (string sub in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            // Links could loop or reach runs outside the root.
            if (new DirectoryInfo(sub).LinkTarget is not null) continue;
            Visit(sub, root, runs, skipped);
        }
    }

    private static RunRecord Record(string directory, string root, string relative)
    {
        var config = YamlFile.LoadFlat(Path.Combine(directory, RunRecord.ConfigFileName));
        var seed = SweepSeed().Match(Path.GetFileName(directory));
        if (seed.Success)
        {
            string parent = Path.GetDirectoryName(directory)!;
            string variant = parent == root ? Path.GetFileName(root) : Relative(root, parent);
            return new RunRecord(directory, relative, variant, config, long.Parse(seed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        string name = config.GetValueOrDefault("name") is { Length: > 0 } n ? n : Path.GetFileName(directory);
        return new RunRecord(directory, relative, name, config, seed: null);
    }

    private static string Relative(string root, string path)
    {
        string r = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
        return r == "." ? Path.GetFileName(root) : r;
    }
}
