using System.Globalization;

namespace RL.Envs;

/// <summary>
/// The options an env is created with, as strings (they arrive from YAML configs and over gRPC). Typed getters
/// validate and record every key they read; <see cref="ThrowIfUnused"/> then rejects any key nobody read, so a
/// typo ("dificulty") is an error naming the key instead of a silently ignored setting (reliability.md R16).
/// </summary>
public sealed class EnvOptions
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _effective = new(StringComparer.Ordinal);

    public EnvOptions(IReadOnlyDictionary<string, string>? values = null, string source = "env options")
    {
        _values = new Dictionary<string, string>(values ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        Source = source;
    }

    /// <summary>Where the options came from, for error messages (e.g. "config.yaml: env.options").</summary>
    public string Source { get; }

    /// <summary>Every option read so far with its effective value (given or default).</summary>
    public IReadOnlyDictionary<string, string> Effective => _effective;

    public IReadOnlyDictionary<string, string> Given => _values;

    public bool Has(string key) => _values.ContainsKey(key);

    public string GetString(string key, string defaultValue, params string[] choices)
    {
        string value = Take(key) ?? defaultValue;
        if (choices.Length > 0 && !choices.Contains(value, StringComparer.Ordinal))
            throw new ArgumentException($"{Source}: option '{key}' = '{value}' is not one of: {string.Join(", ", choices)}.");
        _effective[key] = value;
        return value;
    }

    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        string? raw = Take(key);
        int value = defaultValue;
        if (raw is not null && !int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
            throw new ArgumentException($"{Source}: option '{key}' = '{raw}' is not an integer.");
        if (value < min || value > max)
            throw new ArgumentException($"{Source}: option '{key}' = {value} is outside [{min}, {max}].");
        _effective[key] = value.ToString(CultureInfo.InvariantCulture);
        return value;
    }

    public double GetDouble(string key, double defaultValue, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        string? raw = Take(key);
        double value = defaultValue;
        if (raw is not null && !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            throw new ArgumentException($"{Source}: option '{key}' = '{raw}' is not a number.");
        if (!(value >= min && value <= max))
            throw new ArgumentException($"{Source}: option '{key}' = {value} is outside [{min}, {max}].");
        _effective[key] = value.ToString("R", CultureInfo.InvariantCulture);
        return value;
    }

    public bool GetBool(string key, bool defaultValue)
    {
        string? raw = Take(key);
        bool value = raw switch
        {
            null => defaultValue,
            "true" or "True" or "1" or "yes" => true,
            "false" or "False" or "0" or "no" => false,
            _ => throw new ArgumentException($"{Source}: option '{key}' = '{raw}' is not true or false."),
        };
        _effective[key] = value ? "true" : "false";
        return value;
    }

    /// <summary>Fails on any given option that no getter read, naming it and the accepted ones.</summary>
    public void ThrowIfUnused(string envId)
    {
        var unused = _values.Keys.Where(k => !_used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unused.Count == 0) return;
        string accepted = string.Join(", ", _used.Concat(_effective.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal));
        string hint = string.Join("; ", unused.Select(u => Nearest(u, _effective.Keys) is string n ? $"'{u}' (did you mean '{n}'?)" : $"'{u}'"));
        throw new ArgumentException($"{Source}: unknown option {hint} for env '{envId}'. Accepted: {accepted}.");
    }

    private string? Take(string key)
    {
        _used.Add(key);
        return _values.TryGetValue(key, out string? v) ? v : null;
    }

    /// <summary>The closest known key by edit distance, when it is close enough to be a typo.</summary>
    public static string? Nearest(string key, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string k in known)
        {
            int d = EditDistance(key, k);
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
