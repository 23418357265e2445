namespace RL.Analysis;

public enum MetricKind
{
    /// <summary>The 2017 score of training episodes (episodes.csv), as a running mean over the last episodes.</summary>
    Score,

    /// <summary>The trainer's scheduled evaluations (evaluations.csv): one value per evaluation, the mean score of its episodes.</summary>
    Eval,

    /// <summary>Any progress.csv column (losses, learning rates, exploration...).</summary>
    Progress,
}

/// <summary>One quantity to plot and summarise: <c>score</c>, <c>eval</c>, or a progress.csv column by its name.</summary>
public sealed record Metric(string Name, MetricKind Kind)
{
    public static readonly Metric Score = new("score", MetricKind.Score);
    public static readonly Metric Eval = new("eval", MetricKind.Eval);

    public static Metric Parse(string name) => name switch
    {
        "score" => Score,
        "eval" => Eval,
        _ => new Metric(name, MetricKind.Progress),
    };

    /// <summary>A file name stem for the metric's figure: progress columns are "losses/critic_loss", and '/' cannot be in a file name.</summary>
    public string FileStem => string.Concat(Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    /// <summary>What the figure's title and the tables call it.</summary>
    public string Description(int window) => Kind switch
    {
        MetricKind.Score => $"training score (mean of the last {window} episodes)",
        MetricKind.Eval => "evaluation score (mean of each evaluation's episodes)",
        _ => Name,
    };

    /// <summary>What the summary's final value of a run is.</summary>
    public string FinalDescription(int window) => Kind switch
    {
        MetricKind.Score => $"mean score of the run's last {window} training episodes",
        MetricKind.Eval => "mean score of the run's last evaluation (the one at the end of training)",
        _ => $"the run's last logged {Name}",
    };
}
