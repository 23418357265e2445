using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace RL.Analysis;

/// <summary>
/// The copy of the experiment file `rl sweep` leaves in runs/&lt;experiment&gt;/experiment.yaml: its name, seeds,
/// budget and the order of its variants, which is the order the author wrote them in and so the order of the
/// legends and tables (the first variant is usually the full recipe, the last the bare baseline).
/// </summary>
public sealed record ExperimentCopy(string Path, string? Name, IReadOnlyList<string> Variants, IReadOnlyList<string> Seeds,
    double? BudgetEnvSteps, double? BudgetHours, string? Source = null)
{
    public const string FileName = "experiment.yaml";

    /// <summary>The first line of the copy: <c># rl sweep &lt;the experiment file it was given&gt;</c>.</summary>
    public const string SourcePrefix = "# rl sweep ";

    /// <summary>The experiment file in <paramref name="directory"/>, or null when there is none.</summary>
    public static ExperimentCopy? In(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        return File.Exists(path) ? Read(path) : null;
    }

    public static ExperimentCopy Read(string path)
    {
        var root = YamlFile.LoadMapping(path);
        var variants = root.Children.TryGetValue(new YamlScalarNode("variants"), out var v) && v is YamlMappingNode map
            ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToArray()
            : Array.Empty<string>();
        var flat = YamlFile.Flatten(root);
        var seeds = root.Children.TryGetValue(new YamlScalarNode("seeds"), out var s) && s is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToArray()
            : Array.Empty<string>();
        string first = File.ReadLines(path).FirstOrDefault() ?? "";
        string? source = first.StartsWith(SourcePrefix, StringComparison.Ordinal) ? first[SourcePrefix.Length..].Trim() : null;
        return new ExperimentCopy(path, flat.GetValueOrDefault("experiment"), variants, seeds,
            Number(flat.GetValueOrDefault("budget.env_steps")), Number(flat.GetValueOrDefault("budget.hours")), source);
    }

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : null;
}
