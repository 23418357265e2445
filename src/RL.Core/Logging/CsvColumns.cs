namespace RL.Core.Logging;

/// <summary>
/// The column sidecar of a CSV: a small CSV with the columns <c>column,unit,meaning</c>, one row per column of the
/// described file, so the file can be read without the framework or its docs (issue 11). progress.csv is described
/// by progress.columns.csv beside it; the files of a directory that all share one column set (eval/) by one
/// columns.csv there.
/// </summary>
public static class CsvColumns
{
    public static readonly IReadOnlyList<string> Header = new[] { "column", "unit", "meaning" };

    /// <summary>The sidecar of <paramref name="csvPath"/>: x.csv → x.columns.csv.</summary>
    public static string SidecarOf(string csvPath) =>
        Path.Combine(Path.GetDirectoryName(csvPath) ?? "", Path.GetFileNameWithoutExtension(csvPath) + ".columns.csv");

    /// <summary>The sidecar shared by every CSV of <paramref name="directory"/>.</summary>
    public static string SharedSidecar(string directory) => Path.Combine(directory, "columns.csv");

    /// <summary>Writes the sidecar (atomically) unless it already says exactly this.</summary>
    public static void Write(string sidecarPath, IReadOnlyList<CsvColumn> columns)
    {
        foreach (var c in columns)
            if (string.IsNullOrWhiteSpace(c.Unit) || string.IsNullOrWhiteSpace(c.Meaning))
                throw new ArgumentException($"column '{c.Name}' of {Path.GetFileName(sidecarPath)} needs a unit and a meaning.");
        string text = CsvTable.Render(Header, columns.Select(c => new object?[] { c.Name, c.Unit, c.Meaning }));
        if (File.Exists(sidecarPath) && File.ReadAllText(sidecarPath) == text) return;
        AtomicFile.WriteAllText(sidecarPath, text);
    }

    /// <summary>Reads a sidecar back (for tests and tools), one entry per described column, in order.</summary>
    public static IReadOnlyList<CsvColumn> Read(string sidecarPath)
    {
        var rows = CsvTable.ReadRows(sidecarPath);
        if (rows.Count == 0 || !rows[0].SequenceEqual(Header))
            throw new InvalidDataException($"{sidecarPath} does not start with the header {string.Join(',', Header)}.");
        return rows.Skip(1).Select(r => new CsvColumn(r[0], r.Length > 1 ? r[1] : "", r.Length > 2 ? r[2] : "")).ToList();
    }
}
