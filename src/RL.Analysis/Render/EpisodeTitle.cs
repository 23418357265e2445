using System.Globalization;

namespace RL.Analysis.Render;

/// <summary>The words above a drawn episode, the same in the filmstrip and on the page: what ran, how it ended, the legend.</summary>
public static class EpisodeTitle
{
    /// <summary>E.g. "run-name · step_0000423616 · L2R seed 1000000 · difficulty 2, max_obstacles 3, frame_skip 4".</summary>
    public static string Heading(Trajectory t)
    {
        var shown = new[] { "difficulty", "max_obstacles", "frame_skip" }
            .Where(t.Options.ContainsKey)
            .Select(k => $"{k} {t.Options[k]}");
        string options = string.Join(", ", shown);
        return $"{t.Run} · {t.Checkpoint} · {t.Env} seed {t.Seed.ToString(CultureInfo.InvariantCulture)}{(options.Length > 0 ? " · " + options : "")}";
    }

    /// <summary>E.g. "8.21 m in 4.32 s: fell (pelvis below 0.65 m)".</summary>
    public static string Outcome(Trajectory t)
    {
        var last = t.Steps[^1];
        return string.Create(CultureInfo.InvariantCulture, $"2017 score {last.Score:F2} m in {last.T:F2} s: {EndText(t.End)}");
    }

    /// <summary>The end reason in words (the names are rl's episode end reasons, plus max_steps for a cut recording).</summary>
    public static string EndText(string end) => end switch
    {
        "terminated" => "fell (pelvis below 0.65 m)",
        "time_limit" => "ran the whole 10 s",
        "sim_error" => "the simulator failed",
        "max_steps" => "recording cut by --max-steps",
        _ => end,
    };

    /// <summary>What the colours mean, and whether muscle shades are activations or excitations.</summary>
    public static string Legend(Trajectory t) =>
        $"bones: right leg blue, left leg orange · muscles: {(t.MuscleValues == Trajectory.Activation ? "activation" : "excitation (the policy's action, not the activation state)")} 0 light … 1 dark red";
}
