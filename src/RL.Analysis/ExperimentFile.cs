using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace RL.Analysis;

/// <summary>
/// The copy of the experiment file `rl sweep` leaves in runs/&lt;experiment&gt;/experiment.yaml: its name, seeds,
/// budget and the order of its variants, which is the order the author wrote them in and so the order of the
/// legends and tables (the first variant is usually the full recipe, the last the bare baseline).
/// </summary>
public sealed record ExperimentFile(string Path, string? Name, IReadOnlyList<string> Variants, IReadOnlyList<string> Seeds,
    double? BudgetEnvSteps, double? BudgetHours)
{
    public const string FileName = "experiment.yaml";

    /// <summary>The experiment file in <paramref name="directory"/>, or null when there is none.</summary>
    public static ExperimentFile? In(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        return File.Exists(path) ? Read(path) : null;
    }

    public static ExperimentFile Read(string path)
    {
        var root = YamlFile.LoadMapping(path);
        var variants = root.Children.TryGetValue(new YamlScalarNode("variants"), out var v) && v is YamlMappingNode map
            ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToArray()
            : Array.Empty<string>();
        var flat = YamlFile.Flatten(root);
        var seeds = root.Children.TryGetValue(new YamlScalarNode("seeds"), out var s) && s is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToArray()
            : Array.Empty<string>();
        return new ExperimentFile(path, flat.GetValueOrDefault("experiment"), variants, seeds,
            Number(flat.GetValueOrDefault("budget.env_steps")), Number(flat.GetValueOrDefault("budget.hours")));
    }

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : null;
}
