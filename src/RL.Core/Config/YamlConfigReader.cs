using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RL.Core.Config;

/// <summary>
/// Reads YAML config text into <see cref="ConfigNode"/> trees that remember file, line and column of every
/// key and value. Supports a top-level <c>base: other.yaml</c> (path relative to the file) whose content the
/// file overlays, and <c>--set key.path=value</c> overrides. Duplicate keys are errors, not silent overwrites.
/// </summary>
public static class YamlConfigReader
{
    /// <summary>The top-level key that names a config this one extends.</summary>
    public const string BaseKey = "base";

    /// <summary>Reads a config file and everything it extends through <c>base:</c>.</summary>
    public static ConfigNode ReadFile(string path)
    {
        return ReadFile(path, new HashSet<string>(StringComparer.Ordinal), displayName: path);
    }

    private static ConfigNode ReadFile(string path, HashSet<string> visiting, string displayName)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new ConfigException(new ConfigSource(displayName, 0, 0), "", $"config file not found ({full}).");
        if (!visiting.Add(full))
            throw new ConfigException(new ConfigSource(displayName, 0, 0), BaseKey, "config files extend each other in a cycle.");
        var root = Parse(File.ReadAllText(full), displayName);
        // An empty file (or one with only comments, or a bare '---') used to train silently with the class
        // defaults, which are neutral rather than a recipe (issue 10, part 6).
        if (root.IsNull || (root.Kind == ConfigNodeKind.Mapping && root.Entries.Count == 0))
            throw new ConfigException(new ConfigSource(displayName, 1, 1), "",
                "this file is empty (no keys, only comments or blank lines); start from a recipe in experiments/configs/ (e.g. ddpg-pendulum.yaml) or extend one with 'base: <file>'.");
        if (root.Kind != ConfigNodeKind.Mapping)
            throw new ConfigException(root.Source, "", "a config file must be a mapping of keys to values.");
        var baseNode = root.Get(BaseKey);
        if (baseNode is null) return root;
        if (baseNode.Kind != ConfigNodeKind.Scalar || baseNode.Value is null)
            throw new ConfigException(baseNode.Source, BaseKey, "must be the path of another config file.");
        root.Remove(BaseKey);
        string basePath = Path.Combine(Path.GetDirectoryName(full) ?? ".", baseNode.Value);
        string baseDisplay = Path.Combine(Path.GetDirectoryName(displayName) ?? "", baseNode.Value);
        ConfigNode parent;
        try
        {
            parent = ReadFile(basePath, visiting, baseDisplay);
        }
        catch (ConfigException e) when (e.Errors.Count == 1 && e.Errors[0].Message.StartsWith("config file not found", StringComparison.Ordinal))
        {
            throw new ConfigException(baseNode.Source, BaseKey, $"the base config '{baseNode.Value}' does not exist ({Path.GetFullPath(basePath)}).");
        }
        return ConfigNode.Merge(parent, root);
    }

    /// <summary>Parses one YAML document. An empty document is an empty mapping.</summary>
    public static ConfigNode Parse(string text, string sourceName)
    {
        var scanner = new Scanner(new StringReader(text));
        var state = new ParseState(sourceName);
        try
        {
            var parser = new Parser(scanner);
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return ConfigNode.Mapping(new ConfigSource(sourceName, 1, 1));
            parser.Consume<DocumentStart>();
            ConfigNode root = parser.Accept<DocumentEnd>(out _)
                ? ConfigNode.Mapping(new ConfigSource(sourceName, 1, 1))
                : ReadNode(parser, state);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                throw new ConfigException(Where(sourceName, second.Start), "", "a config file holds one YAML document (found a second '---').");
            return root;
        }
        catch (YamlException e)
        {
            // SyntaxErrorException and SemanticErrorException derive from YamlException.
            string message = e.InnerException?.Message ?? e.Message;
            // YamlDotNet's messages start with "(Line: x, Col: y, ...)"; the position is given separately.
            int close = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line", StringComparison.Ordinal) && close > 0) message = message[(close + 3)..];
            throw new ConfigException(Where(sourceName, e.Start), "", $"malformed YAML: {message.TrimEnd('.')}{Hint(state, text, e.Start)}.");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 18.1's scanner throws a bare InvalidOperationException ("Operation is not valid due to the
            // current state of the object") on a plain scalar that runs on inside an unclosed flow collection, e.g.
            // "a: [1" followed by "b: 2" (issue 10, part 6): it was an unhandled exception with no line. The scanner
            // still knows where it stopped, and the reader knows which '[' or '{' is open.
            var stop = scanner.CurrentPosition;
            throw new ConfigException(Where(sourceName, stop), "", $"malformed YAML: cannot read on from here{Hint(state, text, stop)}.");
        }
    }

    /// <summary>" (the '[' at line L, column C is not closed with ']')" when a flow collection is open at <paramref name="stop"/>, else "".</summary>
    private static string Hint(ParseState state, string text, Mark stop)
    {
        string hint = state.Unclosed();
        // The scanner often fails while looking ahead, before the reader has seen the '[' it is in: then read the text.
        if (hint.Length == 0 && UnclosedBracket(text, (int)stop.Line, (int)stop.Column) is var (bracket, line, column))
            hint = $" (the '{bracket}' at line {line}, column {column} is not closed with '{(bracket == '[' ? ']' : '}')}')";
        return hint;
    }

    /// <summary>
    /// The last '[' or '{' that opens a flow collection before line <paramref name="stopLine"/>, column
    /// <paramref name="stopColumn"/> and is not closed by then, skipping quoted text and comments; null if none.
    /// </summary>
    private static (char Bracket, int Line, int Column)? UnclosedBracket(string text, int stopLine, int stopColumn)
    {
        var open = new Stack<(char, int, int)>();
        int line = 1, column = 1;
        char quote = '\0', last = '\n';
        bool comment = false;
        char previous = '\n'; // the last non-blank character outside quotes and comments
        foreach (char c in text)
        {
            if (line > stopLine || (line == stopLine && column >= stopColumn)) break;
            if (c == '\n')
            {
                (line, column, comment, last) = (line + 1, 1, false, c);
                if (quote == '\0') previous = c;
                continue;
            }
            if (!comment)
            {
                if (quote != '\0')
                {
                    if (c == quote) quote = '\0';
                }
                else if (c is '"' or '\'') quote = c;
                else if (c == '#' && last is ' ' or '\t' or '\n') comment = true;
                else if (c is '[' or '{' && previous is '\n' or ':' or ',' or '-' or '[' or '{') open.Push((c, line, column));
                else if (c is ']' or '}' && open.Count > 0) open.Pop();
                if (!comment && quote == '\0' && c is not ' ' and not '\t') previous = c;
            }
            last = c;
            column++;
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    /// <summary>What the reader has seen so far, for error messages: aliases, and the flow collections still open.</summary>
    private sealed class ParseState(string sourceName)
    {
        public string SourceName { get; } = sourceName;
        public Dictionary<string, ConfigNode> Anchors { get; } = new(StringComparer.Ordinal);
        public Stack<(char Bracket, Mark Start)> OpenFlow { get; } = new();

        public string Unclosed() =>
            OpenFlow.TryPeek(out var open)
                ? $" (the '{open.Bracket}' at line {open.Start.Line}, column {open.Start.Column} is not closed with '{(open.Bracket == '[' ? ']' : '}')}')"
                : "";
    }

    private static ConfigNode ReadNode(IParser parser, ParseState state)
    {
        string sourceName = state.SourceName;
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!state.Anchors.TryGetValue(alias.Value.Value, out var target))
                throw new ConfigException(Where(sourceName, alias.Start), "", $"unknown YAML alias '*{alias.Value.Value}'.");
            return target;
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            bool quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
            string? value = !quoted && scalar.Value is "" or "~" or "null" or "Null" or "NULL" ? null : scalar.Value;
            var node = ConfigNode.Scalar(value, Where(sourceName, scalar.Start), quoted);
            Remember(scalar.Anchor, node, state.Anchors);
            return node;
        }
        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var node = ConfigNode.Sequence(Where(sourceName, seqStart.Start));
            bool flow = seqStart.Style == SequenceStyle.Flow;
            if (flow) state.OpenFlow.Push(('[', seqStart.Start));
            while (!parser.TryConsume<SequenceEnd>(out _)) node.Items.Add(ReadNode(parser, state));
            if (flow) state.OpenFlow.Pop();
            Remember(seqStart.Anchor, node, state.Anchors);
            return node;
        }
        if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            var node = ConfigNode.Mapping(Where(sourceName, mapStart.Start));
            bool flow = mapStart.Style == MappingStyle.Flow;
            if (flow) state.OpenFlow.Push(('{', mapStart.Start));
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (!parser.TryConsume<Scalar>(out var key))
                {
                    var current = parser.Current;
                    throw new ConfigException(Where(sourceName, current?.Start ?? mapStart.Start), "", "mapping keys must be plain names.");
                }
                var keySource = Where(sourceName, key.Start);
                if (node.Get(key.Value) is not null)
                    throw new ConfigException(keySource, key.Value, "this key is given twice in the same mapping.");
                var value = ReadNode(parser, state);
                node.Entries.Add((key.Value, keySource, value));
            }
            if (flow) state.OpenFlow.Pop();
            Remember(mapStart.Anchor, node, state.Anchors);
            return node;
        }
        var unexpected = parser.Current;
        throw new ConfigException(Where(sourceName, unexpected?.Start ?? Mark.Empty), "", $"unexpected YAML element {unexpected?.GetType().Name}.");
    }

    private static void Remember(AnchorName anchor, ConfigNode node, Dictionary<string, ConfigNode> anchors)
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
    }

    private static ConfigSource Where(string sourceName, Mark mark) => new(sourceName, (int)mark.Line, (int)mark.Column);

    /// <summary>
    /// Applies one <c>key.path=value</c> override. The value is read as YAML, so <c>[64, 64]</c> is a list and
    /// <c>"1"</c> a string; mappings on the path are created as needed. <paramref name="label"/> names where the
    /// override came from in errors (default "--set key.path=value").
    /// </summary>
    public static void ApplyOverride(ConfigNode root, string assignment, string? label = null)
    {
        label ??= $"--set {assignment}";
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new ConfigException(new ConfigSource(label, 0, 0), assignment, "an override must look like key.path=value.");
        string path = assignment[..eq].Trim();
        string text = assignment[(eq + 1)..];
        string[] parts = path.Split('.');
        if (parts.Any(p => p.Length == 0))
            throw new ConfigException(new ConfigSource(label, 0, 0), path, "the key path has an empty segment.");
        var source = new ConfigSource(label, 0, 0);
        ConfigNode value = Relabel(Parse(text.Length == 0 ? "~" : text, label), source);
        var node = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var next = node.Get(parts[i]);
            if (next is null || next.Kind != ConfigNodeKind.Mapping)
            {
                next = next is null ? ConfigNode.Mapping(source) : next;
                if (next.Kind != ConfigNodeKind.Mapping)
                    throw new ConfigException(source, string.Join('.', parts[..(i + 1)]), "is not a section, so it has no sub-keys.");
                node.Set(parts[i], source, next);
            }
            node = next;
        }
        var existing = node.Get(parts[^1]);
        node.Set(parts[^1], source, existing is null ? value : ConfigNode.Merge(existing, value));
    }

    private static ConfigNode Relabel(ConfigNode node, ConfigSource source)
    {
        switch (node.Kind)
        {
            case ConfigNodeKind.Scalar:
                return ConfigNode.Scalar(node.Value, source, node.Quoted);
            case ConfigNodeKind.Sequence:
                var seq = ConfigNode.Sequence(source);
                foreach (var item in node.Items) seq.Items.Add(Relabel(item, source));
                return seq;
            default:
                var map = ConfigNode.Mapping(source);
                foreach (var (key, _, value) in node.Entries) map.Entries.Add((key, source, Relabel(value, source)));
                return map;
        }
    }
}
