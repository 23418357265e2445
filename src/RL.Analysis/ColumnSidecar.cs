using System.Text;

namespace RL.Analysis;

/// <summary>
/// A CSV's `&lt;file&gt;.columns.csv` (docs/run-directory.md): each column's unit and meaning, so that axis labels carry
/// the unit the trainer wrote instead of one guessed here. Its meanings hold commas inside quotes, which
/// <see cref="RunCsv"/> (plain comma split, enough for the data files) does not read, so fields are parsed with quotes.
/// </summary>
public sealed class ColumnSidecar
{
    private readonly Dictionary<string, (string Unit, string Meaning)> _columns;

    private ColumnSidecar(Dictionary<string, (string Unit, string Meaning)> columns) => _columns = columns;

    public static readonly ColumnSidecar Empty = new(new Dictionary<string, (string, string)>());

    /// <summary>The sidecar of <paramref name="csvPath"/> (progress.csv or progress.csv.gz → progress.columns.csv); empty when it has none.</summary>
    public static ColumnSidecar For(string csvPath)
    {
        string name = System.IO.Path.GetFileName(csvPath);
        int dot = name.IndexOf('.');
        string path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(csvPath) ?? ".", (dot < 0 ? name : name[..dot]) + ".columns.csv");
        if (!File.Exists(path)) return Empty;
        var columns = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            var fields = Fields(line);
            if (fields.Count >= 3) columns[fields[0]] = (fields[1], fields[2]);
        }
        return new ColumnSidecar(columns);
    }

    /// <summary>The column's unit, or null when the sidecar does not list it.</summary>
    public string? Unit(string column) => _columns.TryGetValue(column, out var c) ? c.Unit : null;

    public string? Meaning(string column) => _columns.TryGetValue(column, out var c) ? c.Meaning : null;

    /// <summary>RFC 4180 fields: quoted fields may hold commas, and "" is one quote.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c != '\r') field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
