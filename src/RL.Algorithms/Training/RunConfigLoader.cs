using RL.Core.Config;
using RL.Core.Logging;

namespace RL.Algorithms.Training;

/// <summary>
/// Turns a YAML file (or the built-in default) plus <c>--set key=value</c> overrides into a validated
/// <see cref="RunConfig"/>, or a <see cref="ConfigException"/> naming every bad key with its file and line.
/// A run directory's config.yaml loads too: its provenance block is skipped.
/// </summary>
public static class RunConfigLoader
{
    /// <summary>The config in <paramref name="path"/>, or else <paramref name="builtIn"/> (the CLI's default tree), or else the class defaults.</summary>
    public static RunConfig Load(string? path, IReadOnlyList<string> overrides, ConfigNode? builtIn = null)
    {
        ConfigNode root;
        if (path is not null) root = YamlConfigReader.ReadFile(path);
        else if (builtIn is not null) root = builtIn;
        else root = YamlConfigReader.Parse("", "defaults");
        if (root.Kind != ConfigNodeKind.Mapping)
            throw new ConfigException(root.Source, "", "a config must be a mapping of keys to values.");
        root.Remove(Provenance.Key);
        foreach (string assignment in overrides) YamlConfigReader.ApplyOverride(root, assignment);
        return ConfigBinder.Bind(root, new RunConfig());
    }

    /// <summary>
    /// The effective config of an existing run (for `rl train --resume` and `rl eval`): its config.yaml, then the
    /// overrides of earlier resumes that later resumes keep (<see cref="ResumeOverrides.IsCarried"/>, read from
    /// resumes.yaml), then <paramref name="resumeOverrides"/>, which must be keys a resume may change. Reads only:
    /// nothing in the run directory is written, so a refused override leaves the run as it was (issue 10, part 3).
    /// </summary>
    public static RunConfig LoadRun(string runDirectory, IReadOnlyList<string> resumeOverrides)
    {
        string root = Path.GetFullPath(runDirectory);
        string configPath = Path.Combine(root, "config.yaml");
        if (!File.Exists(configPath))
            throw new ConfigException(new ConfigSource(runDirectory, 0, 0), "--resume",
                Directory.Exists(root) ? $"{root} is not a run directory (no config.yaml)." : $"run directory {root} does not exist.");
        var node = YamlConfigReader.ReadFile(configPath);
        node.Remove(Provenance.Key);
        // A run started before a key moved (issue 12: the off-policy keys went under ddpg:) has the old keys in the
        // files rl wrote for it; they are moved here, so the run still resumes and evaluates.
        ConfigMoves.Relocate(node, typeof(RunConfig));
        string resumesPath = Path.Combine(root, ResumeLog.FileName);
        foreach (var record in ResumeLog.Read(resumesPath))
        {
            var overrides = record.Overrides.Select(o => (ConfigMoves.Relocate(o.Assignment, typeof(RunConfig)), o.Source)).ToList();
            // Checked again: resumes.yaml is a plain file that a person may have edited.
            ResumeOverrides.Check(overrides);
            foreach (var (assignment, source) in overrides)
                if (ResumeOverrides.IsCarried(ResumeOverrides.KeyOf(assignment)))
                    YamlConfigReader.ApplyOverride(node, assignment, $"{source} (resume {record.Number}: {assignment})");
        }
        foreach (string assignment in resumeOverrides) YamlConfigReader.ApplyOverride(node, assignment);
        var config = ConfigBinder.Bind(node, new RunConfig());
        ResumeOverrides.Check(resumeOverrides.Select(a => (a, new ConfigSource($"--set {a}", 0, 0))));
        return config;
    }
}
