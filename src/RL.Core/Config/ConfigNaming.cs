using System.Reflection;
using System.Text;

namespace RL.Core.Config;

/// <summary>The mapping between .NET member names and config keys: PascalCase ↔ snake_case.</summary>
public static class ConfigNaming
{
    /// <summary>"EnvsPerGroup" → "envs_per_group", "AdamBeta2" → "adam_beta2".</summary>
    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool boundary = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1])));
                if (boundary) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    public static string KeyOf(MemberInfo member) =>
        member.GetCustomAttribute<ConfigKeyAttribute>()?.Key ?? ToSnakeCase(member.Name);

    /// <summary>The config keys of a section type: public instance properties with a setter, in declaration order.</summary>
    public static IReadOnlyList<(string Key, PropertyInfo Property)> Keys(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (KeyOf(p), p))
            .ToList();

    public static string EnumName(Enum value)
    {
        var field = value.GetType().GetField(value.ToString());
        return field is null ? ToSnakeCase(value.ToString()) : KeyOf(field);
    }

    public static IReadOnlyList<(string Name, object Value)> EnumChoices(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (KeyOf(f), f.GetValue(null)!))
            .ToList();
}
