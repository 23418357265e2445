namespace RL.Core.Config;

/// <summary>One problem in a config: where, which key, what.</summary>
public sealed record ConfigError(ConfigSource? Source, string Key, string Message)
{
    public override string ToString()
    {
        // Errors about the file as a whole (malformed YAML, an empty file) have no key: no "'': " before the message.
        string key = Key.Length == 0 ? "" : $"'{Key}': ";
        return Source is null ? $"{key}{Message}" : $"{Source}: {key}{Message}";
    }
}

/// <summary>
/// A config that cannot be used: unknown key, wrong type, value out of range, malformed YAML or a missing
/// file. Raised before anything starts; the CLI turns it into exit code 2 (reliability.md R16).
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Kept for callers written before <see cref="ExitCodes"/>; the one definition is <see cref="ExitCodes.Usage"/>.</summary>
    public const int ExitCode = ExitCodes.Usage;

    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} config errors:\n  " + string.Join("\n  ", errors))
    {
        Errors = errors;
    }

    public ConfigException(ConfigSource? source, string key, string message) : this(new[] { new ConfigError(source, key, message) }) { }

    public IReadOnlyList<ConfigError> Errors { get; }
}
