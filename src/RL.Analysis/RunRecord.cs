using System.Globalization;

namespace RL.Analysis;

/// <summary>
/// One run directory found under the analysed root: where it is, the variant it counts for, its seed, its
/// config.yaml as dotted keys, and which of its CSV files exist (each plain or, in archived results, gzipped).
/// </summary>
public sealed class RunRecord
{
    public const string ConfigFileName = "config.yaml";
    public const string ProgressFile = "progress.csv";
    public const string EpisodesFile = "episodes.csv";
    public const string EvaluationsFile = "evaluations.csv";

    public RunRecord(string directory, string relativePath, string variant, IReadOnlyDictionary<string, string> config, long? seed)
    {
        Directory = directory;
        RelativePath = relativePath;
        Variant = variant;
        Config = config;
        Seed = seed ?? (long.TryParse(config.GetValueOrDefault("seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) ? s : null);
        Progress = Find(directory, ProgressFile);
        Episodes = Find(directory, EpisodesFile);
        Evaluations = Find(directory, EvaluationsFile);
    }

    public string Directory { get; }

    /// <summary>The path from the analysed root, as the user sees it in messages and tables.</summary>
    public string RelativePath { get; }

    public string Variant { get; }
    public long? Seed { get; }
    public IReadOnlyDictionary<string, string> Config { get; }
    public string? Progress { get; }
    public string? Episodes { get; }
    public string? Evaluations { get; }

    public bool HasAnyCsv => Progress is not null || Episodes is not null || Evaluations is not null;

    public string SeedText => Seed?.ToString(CultureInfo.InvariantCulture) ?? "?";

    /// <summary>The CSV <paramref name="fileName"/> in <paramref name="directory"/>, or its gzipped copy, or null.</summary>
    public static string? Find(string directory, string fileName)
    {
        string plain = Path.Combine(directory, fileName);
        if (File.Exists(plain)) return plain;
        return File.Exists(plain + ".gz") ? plain + ".gz" : null;
    }
}
