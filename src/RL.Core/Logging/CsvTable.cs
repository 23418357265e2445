using System.Globalization;
using System.Text;

namespace RL.Core.Logging;

/// <summary>
/// An append-only CSV file with a fixed column set decided when it is created (ecosystem.md §2.1: one column
/// set, kept stable). Values are written with the invariant culture; doubles round-trip. Reopening an existing
/// file checks the header, drops a torn last line left by a killed process (reliability.md R18) and can drop
/// rows logged after the point a resumed run restarts from, so a resumed run's file has no duplicated steps.
/// </summary>
public sealed class CsvTable : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly StringBuilder _line = new();

    /// <param name="path">The file; created with its header row when it does not exist.</param>
    /// <param name="columns">The column set.</param>
    /// <param name="keepRowsUpTo">Drop rows whose value in Column is above Max (the point a resumed run restarts from).</param>
    /// <param name="trimmable">Which rows <paramref name="keepRowsUpTo"/> may drop (cells of the row); null for all. Rows
    /// this process will not write again (e.g. evaluations.csv rows written by older `rl eval`) are kept.</param>
    public CsvTable(string path, IReadOnlyList<string> columns, (string Column, double Max)? keepRowsUpTo = null, Func<string[], bool>? trimmable = null)
    {
        Path = path;
        Columns = columns;
        string header = string.Join(',', columns.Select(Escape));
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        if (exists) Repair(path, header, keepRowsUpTo, trimmable);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false), 1 << 16);
        if (!exists)
        {
            _writer.Write(header);
            _writer.Write('\n');
        }
    }

    /// <summary>
    /// Opens the table with described columns and writes their sidecar (<see cref="CsvColumns"/>; default
    /// x.columns.csv beside x.csv) from the same list that makes the header, so the two cannot disagree (issue 11).
    /// </summary>
    public CsvTable(string path, IReadOnlyList<CsvColumn> columns, (string Column, double Max)? keepRowsUpTo = null,
        Func<string[], bool>? trimmable = null, string? sidecarPath = null)
        : this(path, columns.Select(c => c.Name).ToArray(), keepRowsUpTo, trimmable)
    {
        CsvColumns.Write(sidecarPath ?? CsvColumns.SidecarOf(path), columns);
    }

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Appends one row; <paramref name="values"/> holds one value per column (null → empty cell).</summary>
    public void Append(ReadOnlySpan<object?> values)
    {
        if (values.Length != Columns.Count)
            throw new ArgumentException($"{System.IO.Path.GetFileName(Path)}: row has {values.Length} values for {Columns.Count} columns.");
        _line.Clear();
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) _line.Append(',');
            _line.Append(Format(values[i]));
        }
        _line.Append('\n');
        _writer.Write(_line);
    }

    public void Flush(bool durable = false)
    {
        _writer.Flush();
        if (durable && _writer.BaseStream is FileStream fs) fs.Flush(true);
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf",
        float f => Format((double)f),
        IFormattable f => Escape(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Escape(value.ToString() ?? ""),
    };

    private static string Escape(string s) =>
        s.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>Writes a whole table at once (temporary file, fsync, rename): a reader never sees it half written.</summary>
    public static void WriteAll(string path, IReadOnlyList<string> columns, IEnumerable<object?[]> rows) =>
        AtomicFile.WriteAllText(path, Render(columns, rows, System.IO.Path.GetFileName(path)));

    /// <summary>Writes a whole table at once and its column sidecar (<paramref name="sidecarPath"/>, default x.columns.csv).</summary>
    public static void WriteAll(string path, IReadOnlyList<CsvColumn> columns, IEnumerable<object?[]> rows, string? sidecarPath = null)
    {
        CsvColumns.Write(sidecarPath ?? CsvColumns.SidecarOf(path), columns);
        WriteAll(path, columns.Select(c => c.Name).ToArray(), rows);
    }

    /// <summary>The text of a whole table: header and rows, each line ending in '\n'.</summary>
    public static string Render(IReadOnlyList<string> columns, IEnumerable<object?[]> rows, string name = "table")
    {
        var text = new StringBuilder(string.Join(',', columns.Select(Escape))).Append('\n');
        foreach (var row in rows)
        {
            if (row.Length != columns.Count)
                throw new ArgumentException($"{name}: row has {row.Length} values for {columns.Count} columns.");
            text.AppendJoin(',', row.Select(Format)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads a file this class wrote back into cells (quoted cells with commas, quotes or line breaks included).</summary>
    public static List<string[]> ReadRows(string path)
    {
        string text = File.ReadAllText(path);
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row.ToArray());
                row.Clear();
            }
            else if (c != '\r') cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row.ToArray());
        }
        return rows;
    }

    private static void Repair(string path, string header, (string Column, double Max)? keepRowsUpTo, Func<string[], bool>? trimmable)
    {
        string text = File.ReadAllText(path);
        var lines = text.Split('\n').ToList();
        // A file that does not end in '\n' was cut mid-row: that last piece is not a row.
        lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0 || lines[0] != header)
            throw new InvalidDataException($"{path} has the columns '{(lines.Count == 0 ? "" : lines[0])}', not '{header}': it was written by another version or algorithm; move it away to continue.");
        if (keepRowsUpTo is (string column, double max))
        {
            int index = header.Split(',').ToList().IndexOf(column);
            if (index < 0) throw new ArgumentException($"{path} has no column '{column}'.");
            lines = lines.Take(1).Concat(lines.Skip(1).Where(l =>
            {
                string[] cells = l.Split(',');
                if (trimmable is not null && !trimmable(cells)) return true;
                return index < cells.Length && double.TryParse(cells[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v <= max;
            })).ToList();
        }
        string repaired = string.Join('\n', lines) + "\n";
        if (repaired != text) AtomicFile.WriteAllText(path, repaired);
    }

    public void Dispose()
    {
        Flush(durable: true);
        _writer.Dispose();
    }
}
