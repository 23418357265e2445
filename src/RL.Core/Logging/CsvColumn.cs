namespace RL.Core.Logging;

/// <summary>
/// One column of a CSV the framework writes: its name as in the header, its unit and what a cell means. The same
/// list makes the header and the column sidecar (<see cref="CsvColumns"/>), so the description cannot drift from
/// the file (issue 11: "CSV columns are tags without units").
/// </summary>
/// <param name="Name">The header name; never renamed once published (tools and tests parse it).</param>
/// <param name="Unit">The unit of a value ("decisions", "s", "fraction 0-1", "m", "count", "text" …).</param>
/// <param name="Meaning">What a value is, including what an empty cell means where one can be empty.</param>
public sealed record CsvColumn(string Name, string Unit, string Meaning);
