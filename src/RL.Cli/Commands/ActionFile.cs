using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RL.Cli.Commands;

/// <summary>
/// Reads the action sequence of `rl env rollout --actions FILE`: a JSON array with one array of action values per
/// step. Every problem is one line naming the file, the step (counting from 1, as the rollout prints its steps), the
/// value's index and name and the value itself, never the JSON parser's own text, which named neither the file
/// nor the step (issue 11, "a new user's first hour").
/// </summary>
public static class ActionFile
{
    /// <summary>How steps are counted in every message, said once so a user can find the row in the file.</summary>
    public const string StepCounting = "counting from 1";

    /// <summary>The steps of <paramref name="file"/>, each <paramref name="actionNames"/>.Length values long; throws <see cref="CliException"/> naming the problem.</summary>
    public static List<float[]> Read(FileInfo file, IReadOnlyList<string> actionNames)
    {
        string path = file.ToString();
        if (!file.Exists) throw new CliException($"{path}: no such actions file.");
        byte[] bytes = File.ReadAllBytes(file.FullName);
        string expected = $"expected a JSON array with one array of {actionNames.Count} numbers per step";
        // An empty sequence used to run nothing and print nothing, which looked like success (issue 11).
        if (bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            throw new CliException($"{path}: no actions (the file is empty; {expected}).");

        var steps = new List<float[]>();
        int step = 0, index = -1;
        bool inStep = false;
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new CliException($"{path}: {expected}, but it starts with {Describe(reader.TokenType)}.");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                step++;
                index = -1;
                inStep = true;
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new CliException($"{path}: step {step} ({StepCounting}) is {Describe(reader.TokenType)}, not an array of {actionNames.Count} numbers.");
                var values = new List<float>(actionNames.Count);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    index++;
                    values.Add(ReadValue(ref reader, path, step, index, actionNames));
                }
                if (values.Count != actionNames.Count)
                    throw new CliException($"{path}: step {step} ({StepCounting}) has {values.Count} values, expected {actionNames.Count}.");
                steps.Add(values.ToArray());
                inStep = false;
            }
            if (reader.Read())
                throw new CliException($"{path}: unexpected {Describe(reader.TokenType)} after the array of steps ends.");
        }
        catch (JsonException e)
        {
            throw new CliException(Malformed(path, bytes, e, step, inStep ? index + 1 : -1, actionNames));
        }
        if (steps.Count == 0) throw new CliException($"{path}: no actions (the array is empty; {expected}).");
        return steps;
    }

    private static float ReadValue(ref Utf8JsonReader reader, string path, int step, int index, IReadOnlyList<string> actionNames)
    {
        string where = $"{path}: step {step} ({StepCounting}), {Element(index, actionNames)}";
        if (index >= actionNames.Count)
            throw new CliException($"{path}: step {step} ({StepCounting}) has more than {actionNames.Count} values.");
        if (reader.TokenType == JsonTokenType.String)
            throw new CliException($"{where} is the string \"{reader.GetString()}\", not a number.");
        if (reader.TokenType != JsonTokenType.Number)
            throw new CliException($"{where} is {Describe(reader.TokenType)}, not a number.");
        string text = Encoding.UTF8.GetString(reader.ValueSpan);
        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new CliException($"{where} is {text}, too large to be an action value.");
        return (float)value;
    }

    /// <summary>
    /// The parser's failure as file:line:column, step and element, with the offending text quoted.
    /// <paramref name="index"/> is the element being read, -1 between steps.
    /// </summary>
    private static string Malformed(string path, byte[] bytes, JsonException e, int step, int index, IReadOnlyList<string> actionNames)
    {
        long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
        string token = TokenAt(bytes, e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
        string where = index < 0 ? $"where step {step + 1} ({StepCounting}) should start"
            : token.Length > 0 ? $"in step {step} ({StepCounting}), {Element(index, actionNames)}"
            : $"in step {step} ({StepCounting})";
        if (token.Length == 0) return $"{path}:{line}:{column}: malformed JSON {where}: the file ends before the array is closed.";
        string hint = token.TrimStart('-', '+') is "NaN" or "Infinity" or "inf" or "nan"
            ? " (JSON has no NaN or Infinity; actions must be finite numbers)"
            : "";
        return $"{path}:{line}:{column}: malformed JSON {where}: unexpected '{token}'{hint}.";
    }

    /// <summary>The text from the parser's error position to the next delimiter (at most 24 characters).</summary>
    private static string TokenAt(byte[] bytes, long line, long byteInLine)
    {
        int start = 0;
        for (long l = 0; l < line && start < bytes.Length; start++)
            if (bytes[start] == (byte)'\n') l++;
        start += (int)byteInLine;
        int end = start;
        while (end < bytes.Length && end - start < 24 && bytes[end] is not ((byte)',' or (byte)']' or (byte)'[' or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            end++;
        return start >= bytes.Length ? "" : Encoding.UTF8.GetString(bytes, start, Math.Max(1, end - start));
    }

    private static string Element(int index, IReadOnlyList<string> actionNames) =>
        index < actionNames.Count ? string.Create(CultureInfo.InvariantCulture, $"action[{index}] ({actionNames[index]})") : $"action[{index}]";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
