namespace RL.Core.Config;

/// <summary>Inclusive bounds of a numeric config value (applied to each element of a numeric list).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigRangeAttribute : Attribute
{
    public ConfigRangeAttribute(double min, double max)
    {
        Min = min;
        Max = max;
    }

    public double Min { get; }
    public double Max { get; }

    /// <summary>When true the lower bound is excluded (a value must be &gt; Min).</summary>
    public bool MinExclusive { get; init; }
}

/// <summary>Bounds on the number of elements of a list-valued config key.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigCountAttribute : Attribute
{
    public ConfigCountAttribute(int min, int max = int.MaxValue)
    {
        Min = min;
        Max = max;
    }

    public int Min { get; }
    public int Max { get; }
}

/// <summary>The YAML key of a property, when its snake_case name is not wanted.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConfigKeyAttribute : Attribute
{
    public ConfigKeyAttribute(string key) => Key = key;

    public string Key { get; }
}

/// <summary>
/// What a config key means, in which unit, and where its default comes from: the one place a key is documented.
/// `rl config explain` and docs/config.md are generated from these (with the default read from a fresh config object
/// and the range from <see cref="ConfigRangeAttribute"/>), and a test fails when a key lacks one, so the reference
/// cannot drift from the code. On a section property only <see cref="Meaning"/> is read; on an enum field it
/// explains that value.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConfigDocAttribute : Attribute
{
    /// <summary>As <see cref="Unit"/> or <see cref="Source"/>: the enclosing key's (a schedule's start is in the unit of what it schedules).</summary>
    public const string Inherit = "^";

    /// <summary>As <see cref="Unit"/>: a deliberate "no unit" (a switch, a name, a ratio).</summary>
    public const string None = "-";

    public ConfigDocAttribute(string meaning) => Meaning = meaning;

    /// <summary>One or two sentences: what the key changes, and what its special values (0, null) mean.</summary>
    public string Meaning { get; }

    /// <summary>"decisions", "simulator steps", "seconds", "updates", "transitions", …; <see cref="None"/> when unitless.</summary>
    public string? Unit { get; init; }

    /// <summary>Why the default is what it is: a paper ("Lillicrap et al. 2015"), a team's code ("Reason8 e2ffeaa config.py") or ours ("ours: …").</summary>
    public string? Source { get; init; }
}

/// <summary>A config section with rules that involve several keys, checked after binding.</summary>
public interface IValidatedConfig
{
    /// <summary>Reports each violated rule through <paramref name="error"/> (relative key, message).</summary>
    void Validate(Action<string, string> error);
}

/// <summary>
/// A key that moved (full dotted paths), declared on the root config type: binding a config that still uses
/// <see cref="From"/> fails with one error naming <see cref="To"/> and why, instead of "unknown key" (issue 12).
/// A config this program wrote before the move (a run's config.yaml) is relocated by <see cref="ConfigMoves.Relocate(ConfigNode, Type)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class ConfigMovedAttribute : Attribute
{
    public ConfigMovedAttribute(string from, string to, string why)
    {
        From = from;
        To = to;
        Why = why;
    }

    public string From { get; }
    public string To { get; }
    public string Why { get; }

    /// <summary>The one-line error of a config that uses <see cref="From"/>.</summary>
    public string Message => $"has moved: it is now {To} ({Why}).";
}
