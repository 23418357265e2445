using System.Collections;
using System.Globalization;
using System.Reflection;

namespace RL.Core.Config;

/// <summary>One documented config key (or section): everything `rl config explain` prints about it.</summary>
/// <param name="Key">Full dotted path, e.g. "ddpg.exploration.ou.theta".</param>
/// <param name="Type">What the YAML value must be ("number", "whole number", "true or false", "one of", "section", …).</param>
/// <param name="Default">The value when the key is omitted, as YAML; null for a section.</param>
/// <param name="Unit">From <see cref="ConfigDocAttribute.Unit"/>, inherited ones resolved; null when undeclared.</param>
/// <param name="Range">From <see cref="ConfigRangeAttribute"/> and <see cref="ConfigCountAttribute"/>; null when unbounded.</param>
/// <param name="Choices">An enum key's values with their meanings; empty otherwise.</param>
/// <param name="Meaning">From <see cref="ConfigDocAttribute.Meaning"/>; null when undeclared.</param>
/// <param name="Source">Where the default comes from; null when undeclared.</param>
/// <param name="IsSection">A section of keys (no value, unit or default of its own).</param>
public sealed record ConfigKeyDoc(
    string Key,
    string Type,
    string? Default,
    string? Unit,
    string? Range,
    IReadOnlyList<(string Name, string? Meaning)> Choices,
    string? Meaning,
    string? Source,
    bool IsSection)
{
    public string Name => Key[(Key.LastIndexOf('.') + 1)..];
}

/// <summary>
/// Walks config records the way <see cref="ConfigBinder"/> and <see cref="ConfigWriter"/> do (same keys, same
/// nesting) and returns every key with its <see cref="ConfigDocAttribute"/>, its range and the default read from
/// the object given, so the reference is derived from the types and cannot disagree with what the binder accepts.
/// </summary>
public static class ConfigReference
{
    /// <summary>Every section and key under <paramref name="defaults"/>, depth first in declaration order.</summary>
    public static IReadOnlyList<ConfigKeyDoc> Describe(object defaults)
    {
        var result = new List<ConfigKeyDoc>();
        Walk(defaults, "", enclosing: null, result);
        return result;
    }

    /// <summary>
    /// What the reference lacks, one line per gap: a section without a meaning, a key without a meaning, unit or source
    /// of its default, an enum value without a meaning. Empty when every key is documented (a test requires that).
    /// </summary>
    public static IReadOnlyList<string> Gaps(IEnumerable<ConfigKeyDoc> keys)
    {
        var gaps = new List<string>();
        foreach (var k in keys)
        {
            if (string.IsNullOrWhiteSpace(k.Meaning)) gaps.Add($"{k.Key}: no meaning ([ConfigDoc(\"...\")])");
            if (k.IsSection) continue;
            if (string.IsNullOrWhiteSpace(k.Unit)) gaps.Add($"{k.Key}: no unit (Unit = \"...\", or \"-\" for none)");
            if (string.IsNullOrWhiteSpace(k.Source)) gaps.Add($"{k.Key}: no source of its default (Source = \"...\")");
            foreach (var (name, meaning) in k.Choices)
                if (string.IsNullOrWhiteSpace(meaning)) gaps.Add($"{k.Key}: value '{name}' has no meaning ([ConfigDoc] on the enum field)");
        }
        return gaps;
    }

    private static void Walk(object section, string path, ConfigDocAttribute? enclosing, List<ConfigKeyDoc> result)
    {
        foreach (var (key, property) in ConfigNaming.Keys(section.GetType()))
        {
            string full = path.Length == 0 ? key : $"{path}.{key}";
            var doc = property.GetCustomAttribute<ConfigDocAttribute>();
            object? value = property.GetValue(section);
            var type = property.PropertyType;
            if (IsSection(type))
            {
                result.Add(new ConfigKeyDoc(full, "section", null, null, null, Array.Empty<(string, string?)>(), doc?.Meaning, null, IsSection: true));
                // A nested section's keys inherit from the section's own doc, not from whatever enclosed it.
                if (value is not null) Walk(value, full, doc, result);
                continue;
            }
            result.Add(new ConfigKeyDoc(
                full,
                TypeName(type, property),
                FormatValue(value),
                Resolve(doc?.Unit, enclosing?.Unit),
                Range(property),
                Choices(type),
                doc?.Meaning,
                Resolve(doc?.Source, enclosing?.Source),
                IsSection: false));
        }
    }

    private static string? Resolve(string? own, string? enclosing) => own == ConfigDocAttribute.Inherit ? enclosing : own;

    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && !typeof(IEnumerable).IsAssignableFrom(type);

    private static string TypeName(Type type, PropertyInfo property)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        bool nullable = underlying is not null
            || (!type.IsValueType && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable);
        string name = ElementName(underlying ?? type);
        return nullable ? $"{name} or null" : name;
    }

    private static string ElementName(Type type)
    {
        if (type == typeof(bool)) return "true/false";
        if (type == typeof(int) || type == typeof(long)) return "whole number";
        if (type == typeof(double) || type == typeof(float)) return "number";
        if (type == typeof(string)) return "text";
        if (type.IsEnum) return "one of";
        if (type.IsArray) return $"list of {ElementName(type.GetElementType()!)}";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) return $"list of {ElementName(type.GetGenericArguments()[0])}";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return $"map of {ElementName(type.GetGenericArguments()[1])}";
        return type.Name;
    }

    /// <summary>A value as it would be written in a config file (lists inline, maps in braces).</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        string s => ConfigWriter.Scalar(s),
        IDictionary d => "{" + string.Join(", ", d.Cast<DictionaryEntry>().Select(e => $"{ConfigWriter.Scalar(e.Key)}: {FormatValue(e.Value)}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(FormatValue)) + "]",
        _ => ConfigWriter.Scalar(value),
    };

    private static string? Range(PropertyInfo property)
    {
        var parts = new List<string>();
        var range = property.GetCustomAttribute<ConfigRangeAttribute>();
        if (range is not null)
        {
            string low = (range.MinExclusive ? "(" : "[") + Bound(range.Min);
            string high = range.Max >= 1e300 ? "∞)" : Bound(range.Max) + "]";
            parts.Add(property.PropertyType.IsArray ? $"each in {low}, {high}" : $"{low}, {high}");
        }
        var count = property.GetCustomAttribute<ConfigCountAttribute>();
        if (count is not null)
            parts.Add(count.Max == int.MaxValue ? $"at least {count.Min} element(s)" : $"{count.Min} to {count.Max} elements");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static string Bound(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static IReadOnlyList<(string Name, string? Meaning)> Choices(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!type.IsEnum) return Array.Empty<(string, string?)>();
        return type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (ConfigNaming.KeyOf(f), f.GetCustomAttribute<ConfigDocAttribute>()?.Meaning))
            .ToList();
    }
}
