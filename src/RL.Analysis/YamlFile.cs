using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RL.Analysis;

/// <summary>
/// A run's config.yaml or an experiment.yaml read as plain YAML: the analysis must not load training code (RL.Core's
/// typed config), and it only needs values to show and compare, so every leaf becomes a dotted key and its text.
/// </summary>
public static class YamlFile
{
    /// <summary>The file's top-level mapping; unreadable or malformed YAML is an <see cref="InvalidDataException"/> naming file:line.</summary>
    public static YamlMappingNode LoadMapping(string path)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            var stream = new YamlStream();
            stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                throw new InvalidDataException($"{path}: not a YAML mapping.");
            return root;
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: malformed YAML: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: {e.Message}");
        }
    }

    /// <summary>
    /// Every leaf of <paramref name="mapping"/> as "a.b.c" → text, in file order. A list of scalars is one value
    /// ("[64, 64]") because it is one setting (a layer list); an empty mapping is "{}" so that a key such as an
    /// experiment's variant with no overrides still appears.
    /// </summary>
    public static OrderedDictionary<string, string> Flatten(YamlMappingNode mapping)
    {
        var values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        Add(values, "", mapping);
        return values;
    }

    public static OrderedDictionary<string, string> LoadFlat(string path) => Flatten(LoadMapping(path));

    private static void Add(OrderedDictionary<string, string> values, string prefix, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map when map.Children.Count == 0:
                values[prefix] = "{}";
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Add(values, prefix.Length == 0 ? Text(key) : $"{prefix}.{Text(key)}", value);
                break;
            case YamlSequenceNode list when list.Children.All(c => c is YamlScalarNode):
                values[prefix] = "[" + string.Join(", ", list.Children.Select(Text)) + "]";
                break;
            case YamlSequenceNode list:
                for (int i = 0; i < list.Children.Count; i++) Add(values, $"{prefix}[{i}]", list.Children[i]);
                break;
            default:
                values[prefix] = Text(node);
                break;
        }
    }

    private static string Text(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : node.ToString();
}
