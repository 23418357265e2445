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

/// <summary>A config section with rules that involve several keys, checked after binding.</summary>
public interface IValidatedConfig
{
    /// <summary>Reports each violated rule through <paramref name="error"/> (relative key, message).</summary>
    void Validate(Action<string, string> error);
}
