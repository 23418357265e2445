namespace RL.Core.Config;

/// <summary>Where a config value came from: a file position, or a command-line override.</summary>
/// <param name="File">The file (as given by the user), or a label such as "--set ddpg.tau=1e-3".</param>
/// <param name="Line">1-based line, 0 when not from a file.</param>
/// <param name="Column">1-based column, 0 when not from a file.</param>
public sealed record ConfigSource(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

public enum ConfigNodeKind
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>
/// A parsed config value that remembers where it was written, so binding errors can name the file, line and
/// key (reliability.md R16). Mappings keep their keys in file order.
/// </summary>
public sealed class ConfigNode
{
    private ConfigNode(ConfigNodeKind kind, ConfigSource source)
    {
        Kind = kind;
        Source = source;
    }

    public ConfigNodeKind Kind { get; }
    public ConfigSource Source { get; }

    /// <summary>The scalar text (null for a YAML null such as <c>~</c> or an empty value).</summary>
    public string? Value { get; private init; }

    /// <summary>True when the scalar was quoted in the source (then it is always a string).</summary>
    public bool Quoted { get; private init; }

    public List<ConfigNode> Items { get; } = new();

    /// <summary>Mapping entries: key, where the key was written, value.</summary>
    public List<(string Key, ConfigSource KeySource, ConfigNode Value)> Entries { get; } = new();

    public static ConfigNode Scalar(string? value, ConfigSource source, bool quoted = false) =>
        new(ConfigNodeKind.Scalar, source) { Value = value, Quoted = quoted };

    public static ConfigNode Sequence(ConfigSource source) => new(ConfigNodeKind.Sequence, source);

    public static ConfigNode Mapping(ConfigSource source) => new(ConfigNodeKind.Mapping, source);

    public bool IsNull => Kind == ConfigNodeKind.Scalar && Value is null;

    public ConfigNode? Get(string key)
    {
        foreach (var e in Entries)
            if (e.Key == key) return e.Value;
        return null;
    }

    /// <summary>Sets or replaces a mapping entry, keeping the position of an existing key.</summary>
    public void Set(string key, ConfigSource keySource, ConfigNode value)
    {
        for (int i = 0; i < Entries.Count; i++)
        {
            if (Entries[i].Key != key) continue;
            Entries[i] = (key, keySource, value);
            return;
        }
        Entries.Add((key, keySource, value));
    }

    public void Remove(string key) => Entries.RemoveAll(e => e.Key == key);

    /// <summary>
    /// Overlays <paramref name="top"/> on <paramref name="bottom"/>: mappings merge key by key (recursively),
    /// anything else in <paramref name="top"/> replaces. Used for <c>base:</c> inheritance and overrides.
    /// </summary>
    public static ConfigNode Merge(ConfigNode bottom, ConfigNode top)
    {
        if (bottom.Kind != ConfigNodeKind.Mapping || top.Kind != ConfigNodeKind.Mapping) return top;
        var merged = Mapping(top.Source);
        foreach (var e in bottom.Entries) merged.Entries.Add(e);
        foreach (var (key, keySource, value) in top.Entries)
        {
            var existing = merged.Get(key);
            merged.Set(key, keySource, existing is null ? value : Merge(existing, value));
        }
        return merged;
    }
}
