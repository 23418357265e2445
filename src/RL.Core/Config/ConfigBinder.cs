using System.Collections;
using System.Globalization;
using System.Reflection;
using RL.Envs;

namespace RL.Core.Config;

/// <summary>
/// Binds a <see cref="ConfigNode"/> tree onto typed config records. Every unknown key, wrong type, value out
/// of its <see cref="ConfigRangeAttribute"/> or broken <see cref="IValidatedConfig"/> rule is collected with
/// the key's full path and its file position (and the nearest valid key for a typo), and all of them are
/// raised together as one <see cref="ConfigException"/>. Keys absent from the tree keep the defaults of the
/// object bound onto, so a config only states what differs. A key the root type declares moved
/// (<see cref="ConfigMovedAttribute"/>) is reported with its new place rather than as unknown.
/// </summary>
public static class ConfigBinder
{
    public static T Bind<T>(ConfigNode root, T defaults) where T : class
    {
        var errors = new List<ConfigError>();
        var result = (T)BindSection(root, typeof(T), defaults, "", errors, ConfigMoves.Of(typeof(T)));
        if (errors.Count > 0) throw new ConfigException(errors);
        return result;
    }

    private static object BindSection(ConfigNode node, Type type, object defaults, string path, List<ConfigError> errors, IReadOnlyList<ConfigMovedAttribute> moves)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            errors.Add(new ConfigError(node.Source, path, $"must be a section of keys ({Describe(type)}), not {What(node)}."));
            return defaults;
        }
        object target = ShallowCopy(defaults);
        var keys = ConfigNaming.Keys(type);
        foreach (var (key, keySource, value) in node.Entries)
        {
            string full = Join(path, key);
            var match = keys.FirstOrDefault(k => k.Key == key);
            if (match.Property is null)
            {
                if (moves.FirstOrDefault(m => m.From == full) is { } moved)
                {
                    errors.Add(new ConfigError(keySource, full, moved.Message));
                    continue;
                }
                string? near = EnvOptions.Nearest(key, keys.Select(k => k.Key));
                string hint = near is null ? "" : $" (did you mean '{Join(path, near)}'?)";
                errors.Add(new ConfigError(keySource, full, $"unknown key{hint}. Valid keys here: {string.Join(", ", keys.Select(k => k.Key))}."));
                continue;
            }
            var property = match.Property;
            int before = errors.Count;
            object? bound = BindValue(value, property.PropertyType, property.GetValue(target), full, errors, property, moves);
            if (errors.Count == before) property.SetValue(target, bound);
        }
        if (target is IValidatedConfig validated)
        {
            validated.Validate((relativeKey, message) =>
            {
                string first = relativeKey.Split('.')[0];
                var entry = node.Entries.FirstOrDefault(e => e.Key == first);
                errors.Add(new ConfigError(entry.Value?.Source ?? node.Source, Join(path, relativeKey), message));
            });
        }
        return target;
    }

    private static object? BindValue(ConfigNode node, Type type, object? current, string path, List<ConfigError> errors, PropertyInfo? property,
        IReadOnlyList<ConfigMovedAttribute> moves)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node.IsNull)
        {
            if (underlying is not null || (!type.IsValueType && IsNullable(property)))
                return null;
            errors.Add(new ConfigError(node.Source, path, $"needs a value ({Describe(type)})."));
            return current;
        }
        type = underlying ?? type;
        if (type == typeof(string))
        {
            if (node.Kind != ConfigNodeKind.Scalar) return Fail(node, path, type, errors, current);
            return node.Value;
        }
        if (type == typeof(bool))
        {
            if (node.Kind == ConfigNodeKind.Scalar && !node.Quoted)
            {
                if (node.Value is "true" or "True" or "TRUE") return true;
                if (node.Value is "false" or "False" or "FALSE") return false;
            }
            return Fail(node, path, type, errors, current);
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float))
            return BindNumber(node, type, current, path, errors, property);
        if (type.IsEnum)
        {
            var choices = ConfigNaming.EnumChoices(type);
            if (node.Kind == ConfigNodeKind.Scalar)
            {
                var hit = choices.FirstOrDefault(c => c.Name == node.Value);
                if (hit.Value is not null) return hit.Value;
                string? near = EnvOptions.Nearest(node.Value!, choices.Select(c => c.Name));
                errors.Add(new ConfigError(node.Source, path,
                    $"'{node.Value}' is not one of: {string.Join(", ", choices.Select(c => c.Name))}{(near is null ? "" : $" (did you mean '{near}'?)")}."));
                return current;
            }
            return Fail(node, path, type, errors, current);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
        {
            if (node.Kind != ConfigNodeKind.Mapping) return Fail(node, path, type, errors, current);
            var valueType = type.GetGenericArguments()[1];
            var dict = (IDictionary)Activator.CreateInstance(type)!;
            if (current is IDictionary old)
                foreach (DictionaryEntry e in old) dict[e.Key] = e.Value;
            foreach (var (key, _, value) in node.Entries)
            {
                int before = errors.Count;
                object? v = valueType == typeof(string) && value.Kind == ConfigNodeKind.Scalar
                    ? value.Value ?? ""
                    : BindValue(value, valueType, null, Join(path, key), errors, null, moves);
                if (errors.Count == before) dict[key] = v;
            }
            return dict;
        }
        if (type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)))
        {
            var elementType = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            if (node.Kind != ConfigNodeKind.Sequence) return Fail(node, path, type, errors, current);
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            int before = errors.Count;
            for (int i = 0; i < node.Items.Count; i++)
                list.Add(BindValue(node.Items[i], elementType, null, $"{path}[{i}]", errors, property, moves));
            var count = property?.GetCustomAttribute<ConfigCountAttribute>();
            if (count is not null && (list.Count < count.Min || list.Count > count.Max))
                errors.Add(new ConfigError(node.Source, path, count.Max == int.MaxValue
                    ? $"needs at least {count.Min} element(s), got {list.Count}."
                    : $"needs {count.Min} to {count.Max} elements, got {list.Count}."));
            if (errors.Count != before) return current;
            if (!type.IsArray) return list;
            var array = Array.CreateInstance(elementType, list.Count);
            list.CopyTo(array, 0);
            return array;
        }
        if (type.IsClass)
            return BindSection(node, type, current ?? Activator.CreateInstance(type)!, path, errors, moves);
        errors.Add(new ConfigError(node.Source, path, $"has a type the config binder does not support ({type.Name})."));
        return current;
    }

    private static object? BindNumber(ConfigNode node, Type type, object? current, string path, List<ConfigError> errors, PropertyInfo? property)
    {
        if (node.Kind != ConfigNodeKind.Scalar || node.Quoted) return Fail(node, path, type, errors, current);
        string text = node.Value!.Replace("_", "", StringComparison.Ordinal);
        double value;
        if (text is ".inf" or ".Inf" or ".INF" or "+.inf") value = double.PositiveInfinity;
        else if (text is "-.inf" or "-.Inf" or "-.INF") value = double.NegativeInfinity;
        else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsNaN(value))
            return Fail(node, path, type, errors, current);
        bool integral = type == typeof(int) || type == typeof(long);
        if (integral && (value != Math.Floor(value) || double.IsInfinity(value)))
        {
            errors.Add(new ConfigError(node.Source, path, $"must be a whole number, got '{node.Value}'."));
            return current;
        }
        var range = property?.GetCustomAttribute<ConfigRangeAttribute>();
        if (range is not null)
        {
            bool lowOk = range.MinExclusive ? value > range.Min : value >= range.Min;
            if (!lowOk || value > range.Max)
            {
                string low = range.MinExclusive ? $"({Format(range.Min)}" : $"[{Format(range.Min)}";
                errors.Add(new ConfigError(node.Source, path, $"{node.Value} is outside {low}, {Format(range.Max)}]."));
                return current;
            }
        }
        if (type == typeof(int))
        {
            if (value < int.MinValue || value > int.MaxValue)
            {
                errors.Add(new ConfigError(node.Source, path, $"{node.Value} does not fit a 32-bit integer."));
                return current;
            }
            return (int)value;
        }
        if (type == typeof(long))
        {
            // Integers beyond 2^53 lose precision through double: parse them exactly.
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long exact)) return exact;
            if (value < long.MinValue || value > long.MaxValue)
            {
                errors.Add(new ConfigError(node.Source, path, $"{node.Value} does not fit a 64-bit integer."));
                return current;
            }
            return (long)value;
        }
        return type == typeof(float) ? (float)value : value;
    }

    private static string Format(double v) => v switch
    {
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "-∞",
        _ => v.ToString("G6", CultureInfo.InvariantCulture),
    };

    private static object? Fail(ConfigNode node, string path, Type type, List<ConfigError> errors, object? current)
    {
        errors.Add(new ConfigError(node.Source, path, $"must be {Describe(type)}, got {What(node)}."));
        return current;
    }

    private static string What(ConfigNode node) => node.Kind switch
    {
        ConfigNodeKind.Mapping => "a section of keys",
        ConfigNodeKind.Sequence => "a list",
        _ => node.Quoted ? $"the string \"{node.Value}\"" : $"'{node.Value}'",
    };

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(string)) return "a text value";
        if (type.IsEnum) return $"one of {string.Join(", ", ConfigNaming.EnumChoices(type).Select(c => c.Name))}";
        if (type.IsArray) return $"a list of {Describe(type.GetElementType()!)} values";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) return $"a list of {Describe(type.GetGenericArguments()[0])} values";
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return "a mapping of names to values";
        return "a section of keys";
    }

    private static bool IsNullable(PropertyInfo? property) =>
        property is not null && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static readonly MethodInfo MemberwiseCloneMethod =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static object ShallowCopy(object o) => MemberwiseCloneMethod.Invoke(o, null)!;
}
