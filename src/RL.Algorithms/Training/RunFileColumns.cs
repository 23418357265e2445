using RL.Core.Logging;

namespace RL.Algorithms.Training;

/// <summary>
/// The columns of the run's CSVs (progress.csv's common part, episodes.csv, evaluations.csv and eval/*.csv) with
/// their units and meanings: the one list the headers and the column sidecars are both made from (issue 11).
/// Names never change (tools and tests parse them); where a name says "steps" but counts decisions, the meaning
/// says so. A decision is one agent step: one action, held for frame_skip simulator steps.
/// </summary>
public static class RunFileColumns
{
    /// <summary>The unit of a score: the task's unshaped reward summed over an episode.</summary>
    public const string ScoreUnit = "m (Learning to Run); other envs: their task reward";

    private const string ScoreMeaning = "Learning to Run: the 2017 score, the distance the pelvis moved forward less the 1e-7 x ligament-force penalty; other envs: the sum of the task's unshaped reward";

    public static readonly CsvColumn[] Progress =
    {
        new("time/updates", "updates", "learner updates (gradient steps of actor and critic on one batch) done by the run so far"),
        new("time/env_steps", "decisions", "decisions taken by the run so far, summed over all envs (one decision = frame_skip simulator steps); not simulator steps"),
        new("time/episodes", "episodes", "episodes finished by the run so far (dropped ones not counted)"),
        new("time/wall_s", "s", "wall-clock seconds the run has trained, summed over its processes (time between a stop and a resume not counted)"),
        new("time/steps_per_s", "decisions/s", "decisions per wall-clock second since the previous row, summed over all envs"),
        new("time/updates_per_s", "updates/s", "learner updates per wall-clock second since the previous row"),
        new("time/learner_idle_fraction", "fraction 0-1", "share of the wall-clock time since the previous row the learner spent waiting for samplers"),
        new("charts/episodic_score", ScoreUnit, "mean score of the episodes that ended since the previous row (" + ScoreMeaning + "); empty: no episode ended since the previous row"),
        new("charts/episodic_return", "reward", "mean training return (env reward summed over the episode, shaping included, before reward.scale and fall_penalty) of the episodes that ended since the previous row; empty: none ended"),
        new("charts/episode_length", "decisions", "mean length of the episodes that ended since the previous row; empty: none ended"),
        new("charts/fall_rate", "fraction 0-1", "share of the episodes that ended since the previous row that ended terminated (a fall); empty: none ended"),
        new("env/restarts", "count", "env server restarts so far (0 for in-process envs)"),
        new("env/timeouts", "count", "env server steps that missed their deadline so far (0 for in-process envs)"),
        new("env/sim_errors", "count", "episodes cut by a simulator error so far"),
        new("env/nonfinite_obs", "count", "transitions dropped so far because the env gave a non-finite observation or reward"),
        new("env/healthy_servers", "count", "env servers serving now (in-process: the number of env groups)"),
        new("episodes/dropped", "episodes", "episodes lost with their env server so far (never learned from past the loss)"),
        new("transitions/dropped", "transitions", "transitions not stored so far (lost server or non-finite values)"),
        new("train/nonfinite_updates", "updates", "updates skipped so far because a loss or gradient was not finite"),
        new("train/rollbacks", "count", "times the learner was rolled back to the last checkpoint after too many non-finite updates"),
        new("actions/clipped_fraction", "fraction 0-1", "share of all action elements so far that exploration noise pushed outside the action space and that were clipped"),
    };

    /// <summary>The columns of the env's reward terms in progress.csv (shaping/&lt;term&gt;).</summary>
    public static CsvColumn ProgressTerm(string term) =>
        new("shaping/" + term, "reward", $"mean over the episodes that ended since the previous row of the reward term '{term}' summed over the episode; empty: none ended");

    public static readonly CsvColumn[] Episodes =
    {
        new("env_steps", "decisions", "the run's decisions (all envs) when the episode's end was logged"),
        new("updates", "updates", "learner updates done when the episode's end was logged"),
        new("wall_s", "s", "the run's wall-clock training seconds (summed over its processes) when the episode's end was logged"),
        new("group", "index", "the env group (sampler) that ran the episode"),
        new("env", "index", "the env within its group"),
        new("seed", "seed", "the seed the env was reset with for this episode (0 to 2^32-1); the env reset with it and given the same actions repeats the episode"),
        new("score", ScoreUnit, ScoreMeaning + ", summed over the episode"),
        new("return", "reward", "training return: env reward summed over the episode, shaping included, before reward.scale and fall_penalty"),
        new("length", "decisions", "decisions in the episode (simulator steps = length x frame_skip, less at the end)"),
        new("end_reason", "text", "terminated (a fall: a terminal state), time_limit, sim_error, nonfinite_obs (dropped step) or server_lost (dropped with its server)"),
        new("exploration", "text", "the episode's exploration: ou, gaussian or none (action noise), or param:<sigma> (parameter noise with that sigma)"),
    };

    /// <summary>The columns of the env's reward terms in episodes.csv (named after the term).</summary>
    public static CsvColumn EpisodeTerm(string term) =>
        new(term, "reward", $"the reward term '{term}' summed over the episode");

    public static readonly CsvColumn[] Evaluations =
    {
        new("env_steps", "decisions", "the run's decisions (all envs) when the evaluated policy was taken: the evaluation (source train) or the checkpoint (source eval)"),
        new("updates", "updates", "learner updates behind the evaluated policy"),
        new("wall_s", "s", "the run's wall-clock training seconds (summed over its processes) when the evaluated policy was taken: at the evaluation (train) or when its checkpoint was written (eval); not the evaluation's own duration"),
        new("source", "text", "train: evaluated by the trainer on schedule; eval: by `rl eval`"),
        new("checkpoint", "name", "the checkpoint holding the evaluated policy (train: the one written right after the evaluation, named by its update count)"),
        new("episode", "index", "the episode's number in its evaluation, from 0"),
        new("seed", "seed", "the seed the env was reset with: the evaluation's first seed + episode"),
        new("score", ScoreUnit, ScoreMeaning + ", summed over the episode, with the deterministic policy (no exploration)"),
        new("return", "reward", "training return: env reward summed over the episode, shaping included, before reward.scale and fall_penalty"),
        new("length", "decisions", "decisions in the episode"),
        new("end_reason", "text", "terminated (a fall), time_limit, sim_error, nonfinite_obs or server_lost"),
        new("options", "text", "the env options of the evaluation, key=value joined by ';'; none: the env's defaults"),
    };

    /// <summary>The options cell of an evaluation row: sorted key=value pairs, or "none" (a cell is never empty, issue 11).</summary>
    public static string OptionsText(IReadOnlyDictionary<string, string> options) =>
        options.Count == 0 ? "none" : string.Join(";", options.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
