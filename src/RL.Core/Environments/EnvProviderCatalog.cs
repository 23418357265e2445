namespace RL.Core.Environments;

/// <summary>
/// The env sources a program offers, by the name config key env.backend uses. A source that this build does not
/// have yet can be listed with the reason, so choosing it fails with that reason instead of "unknown".
/// </summary>
public sealed class EnvProviderCatalog
{
    private readonly Dictionary<string, IEnvGroupProvider> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unavailable = new(StringComparer.Ordinal);

    public EnvProviderCatalog Register(IEnvGroupProvider provider)
    {
        _providers[provider.Name] = provider;
        _unavailable.Remove(provider.Name);
        return this;
    }

    /// <summary>Records a backend name this build cannot serve, and why.</summary>
    public EnvProviderCatalog RegisterUnavailable(string name, string reason)
    {
        if (!_providers.ContainsKey(name)) _unavailable[name] = reason;
        return this;
    }

    public IReadOnlyCollection<string> Names => _providers.Keys;

    public bool TryGet(string name, out IEnvGroupProvider provider) => _providers.TryGetValue(name, out provider!);

    /// <summary>The source named <paramref name="name"/>, or an <see cref="ArgumentException"/> saying why there is none.</summary>
    public IEnvGroupProvider Get(string name)
    {
        if (_providers.TryGetValue(name, out var p)) return p;
        string available = string.Join(", ", _providers.Keys.OrderBy(k => k, StringComparer.Ordinal));
        if (_unavailable.TryGetValue(name, out string? reason))
            throw new ArgumentException($"env backend '{name}' is not available in this build: {reason}. Available: {available}.");
        string? near = RL.Envs.EnvOptions.Nearest(name, _providers.Keys.Concat(_unavailable.Keys));
        throw new ArgumentException($"unknown env backend '{name}'{(near is null ? "" : $" (did you mean '{near}'?)")}. Available: {available}.");
    }
}
