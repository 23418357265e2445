namespace RL.Core.Config;

/// <summary>One problem in a config: where, which key, what.</summary>
public sealed record ConfigError(ConfigSource? Source, string Key, string Message)
{
    public override string ToString() =>
        Source is null ? $"'{Key}': {Message}" : $"{Source}: '{Key}': {Message}";
}

/// <summary>
/// A config that cannot be used: unknown key, wrong type, value out of range, malformed YAML or a missing
/// file. Raised before anything starts; the CLI turns it into exit code 2 (reliability.md R16).
/// </summary>
public sealed class ConfigException : Exception
{
    public const int ExitCode = 2;

    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} config errors:\n  " + string.Join("\n  ", errors))
    {
        Errors = errors;
    }

    public ConfigException(ConfigSource? source, string key, string message) : this(new[] { new ConfigError(source, key, message) }) { }

    public IReadOnlyList<ConfigError> Errors { get; }
}
