using RL.Core.Config;

namespace RL.Algorithms.Training;

/// <summary>
/// Turns a YAML file (or the built-in default) plus <c>--set key=value</c> overrides into a validated
/// <see cref="RunConfig"/>, or a <see cref="ConfigException"/> naming every bad key with its file and line.
/// A run directory's config.yaml loads too: its provenance block is skipped.
/// </summary>
public static class RunConfigLoader
{
    public static RunConfig Load(string? path, IReadOnlyList<string> overrides, string? builtInYaml = null, string builtInName = "built-in default")
    {
        ConfigNode root;
        if (path is not null) root = YamlConfigReader.ReadFile(path);
        else if (builtInYaml is not null) root = YamlConfigReader.Parse(builtInYaml, builtInName);
        else root = YamlConfigReader.Parse("", "defaults");
        if (root.Kind != ConfigNodeKind.Mapping)
            throw new ConfigException(root.Source, "", "a config must be a mapping of keys to values.");
        root.Remove(Provenance.Key);
        foreach (string assignment in overrides) YamlConfigReader.ApplyOverride(root, assignment);
        return ConfigBinder.Bind(root, new RunConfig());
    }
}
