using System.Globalization;

namespace RL.Analysis;

/// <summary>
/// One of a run directory's CSV files (progress.csv, evaluations.csv, episodes.csv) read as columns of numbers and
/// text, for plots and reports (issue 13). A run that is still writing, or was killed mid-write, can end in a torn
/// line (fewer fields than the header): that line is skipped and said in <see cref="Skipped"/>, never an error.
/// Empty cells are values that do not exist (issue 11: no "nan" for a missing value) and read as null.
/// </summary>
public sealed class RunCsv
{
    private readonly Dictionary<string, int> _index;
    private readonly List<string[]> _rows;

    private RunCsv(string path, string[] header, List<string[]> rows, List<string> skipped)
    {
        Path = path;
        Header = header;
        _rows = rows;
        Skipped = skipped;
        _index = header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
    }

    public string Path { get; }
    public IReadOnlyList<string> Header { get; }
    public int Count => _rows.Count;

    /// <summary>Lines left out, each with its line number and why.</summary>
    public IReadOnlyList<string> Skipped { get; }

    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>Reads <paramref name="path"/> (gzipped when it ends in .gz); a missing or empty file is an <see cref="InvalidDataException"/> naming it.</summary>
    public static RunCsv Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: no such file.");
        // FileShare.ReadWrite: the trainer may be appending while a plot reads.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // Archived runs (experiments/results/) keep their large episodes.csv gzipped.
        using var reader = new StreamReader(path.EndsWith(".gz", StringComparison.Ordinal)
            ? new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress)
            : stream);
        string text = reader.ReadToEnd();
        var lines = text.Split('\n');
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0])) throw new InvalidDataException($"{path}: empty (no header line).");
        var header = lines[0].TrimEnd('\r').Split(',');
        var rows = new List<string[]>();
        var skipped = new List<string>();
        // Every complete line ends with a newline; a last line without one was cut short while the run was writing,
        // even when it has all its fields (its last number may be cut: "2." of "2.5").
        for (int k = 1; k < lines.Length; k++)
        {
            string line = lines[k].TrimEnd('\r');
            if (line.Length == 0) continue;
            bool last = k == lines.Length - 1;
            var cells = line.Split(',');
            if (last)
                skipped.Add($"{path}:{k + 1}: no newline at its end (a line cut short while the run was writing)");
            else if (cells.Length != header.Length)
                skipped.Add($"{path}:{k + 1}: {cells.Length} fields where the header has {header.Length}");
            else
                rows.Add(cells);
        }
        return new RunCsv(path, header, rows, skipped);
    }

    /// <summary>The column's numbers, null where the cell is empty; an unknown column is an error naming the file and the columns it has.</summary>
    public double?[] Numbers(string column)
    {
        int i = Column(column);
        var values = new double?[_rows.Count];
        for (int r = 0; r < _rows.Count; r++)
        {
            string cell = _rows[r][i];
            if (cell.Length == 0) continue;
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new InvalidDataException($"{Path}: row {r + 2}, column {column}: '{cell}' is not a number.");
            values[r] = v;
        }
        return values;
    }

    public string[] Texts(string column)
    {
        int i = Column(column);
        return _rows.Select(r => r[i]).ToArray();
    }

    private int Column(string column) => _index.TryGetValue(column, out int i)
        ? i
        : throw new InvalidDataException($"{Path}: no column '{column}'; it has {string.Join(", ", Header)}.");
}
