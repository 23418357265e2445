using System.Collections;
using System.Globalization;
using System.Text;

namespace RL.Core.Config;

/// <summary>
/// Writes typed config records as YAML that <see cref="ConfigBinder"/> reads back to an equal object: every
/// key, defaults included, so a run directory's config.yaml is the whole effective config. Numbers use the
/// invariant culture and round-trip formatting.
/// </summary>
public static class ConfigWriter
{
    public static string ToYaml(object config)
    {
        var sb = new StringBuilder();
        WriteSection(sb, config, 0);
        return sb.ToString();
    }

    /// <summary>Appends a section under <paramref name="key"/> (for provenance blocks built by hand).</summary>
    public static void WriteEntry(StringBuilder sb, string key, object? value, int indent)
    {
        string pad = new(' ', indent);
        if (value is not null && IsSection(value.GetType()))
        {
            sb.Append(pad).Append(key).Append(":\n");
            WriteSection(sb, value, indent + 2);
        }
        else if (value is IDictionary dict)
        {
            if (dict.Count == 0)
            {
                sb.Append(pad).Append(key).Append(": {}\n");
                return;
            }
            sb.Append(pad).Append(key).Append(":\n");
            foreach (DictionaryEntry e in dict)
                WriteEntry(sb, Scalar(e.Key), e.Value, indent + 2);
        }
        else
        {
            sb.Append(pad).Append(key).Append(": ").Append(Inline(value)).Append('\n');
        }
    }

    private static void WriteSection(StringBuilder sb, object section, int indent)
    {
        foreach (var (key, property) in ConfigNaming.Keys(section.GetType()))
            WriteEntry(sb, key, property.GetValue(section), indent);
    }

    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && !typeof(IEnumerable).IsAssignableFrom(type);

    private static string Inline(object? value) => value switch
    {
        null => "null",
        IDictionary => throw new InvalidOperationException("dictionaries are written as blocks"),
        string s => Scalar(s),
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Inline)) + "]",
        _ => Scalar(value),
    };

    /// <summary>One scalar in YAML form (strings quoted when they would read back as another type).</summary>
    public static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        int or long or ulong or uint => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        Enum e => ConfigNaming.EnumName(e),
        string s => NeedsQuotes(s) ? "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : s,
        _ => Scalar(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static string FormatDouble(double d)
    {
        if (double.IsPositiveInfinity(d)) return ".inf";
        if (double.IsNegativeInfinity(d)) return "-.inf";
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        // "1E-05" reads back as a number, but keep an explicit fraction for whole values so a reader sees a float.
        return s.Contains('E') || s.Contains('.') ? s : s + ".0";
    }

    private static bool NeedsQuotes(string s) =>
        s.Length == 0
        || s is "null" or "~" or "true" or "false" or "yes" or "no" or "on" or "off"
        || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || s.IndexOfAny(new[] { ':', '#', '[', ']', '{', '}', ',', '"', '\'', '&', '*', '!', '|', '>', '%', '@', '`', '\n' }) >= 0
        || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]) || s[0] == '-' || s[0] == '?';
}
