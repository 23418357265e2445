namespace RL.Analysis;

/// <summary>A config key whose value is not the same in every variant, and its value(s) in each variant.</summary>
public sealed record ConfigDifference(string Key, IReadOnlyList<string> Values);

/// <summary>
/// What each variant changes: the config.yaml keys whose values differ between variants, found from the runs'
/// effective configs rather than the experiment file, so that it also holds for plain folders of runs and shows
/// every key an override changed through a base file.
/// </summary>
public static class ConfigDifferences
{
    /// <summary>Keys that differ by construction (each run's own name, seed, output folder, derived seeds, versions and times) and say nothing about a variant.</summary>
    private static bool PerRun(string key) =>
        key is "name" or "seed" or "runs_dir" || key.StartsWith("provenance.", StringComparison.Ordinal);

    /// <summary>One entry per differing key in config order; each value lists the variant's distinct values, "/"-joined (— where absent).</summary>
    public static IReadOnlyList<ConfigDifference> Between(IReadOnlyList<VariantRuns> variants)
    {
        if (variants.Count < 2) return [];
        var keys = variants.SelectMany(v => v.Runs).SelectMany(r => r.Config.Keys).Where(k => !PerRun(k)).Distinct(StringComparer.Ordinal).ToArray();
        var differences = new List<ConfigDifference>();
        foreach (string key in keys)
        {
            var values = variants.Select(v => string.Join(" / ", v.Runs.Select(r => r.Config.GetValueOrDefault(key) ?? "—").Distinct(StringComparer.Ordinal))).ToArray();
            if (values.Distinct(StringComparer.Ordinal).Count() > 1) differences.Add(new ConfigDifference(key, values));
        }
        return differences;
    }
}
