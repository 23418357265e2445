using System.Globalization;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;

namespace RL.Cli.Commands;

/// <summary>The checkpoint `rl eval` evaluates, the run's wall time when it was written, and the line that says which and why.</summary>
internal sealed record EvalCheckpoint(CheckpointReader Reader, RunCounters Counters, string Line, IReadOnlyList<string> Skipped);

/// <summary>`--checkpoint` names no checkpoint of the run: a usage error whose message lists the ones there are.</summary>
internal sealed class UnknownCheckpointException(string message) : Exception(message);

/// <summary>
/// Picks the checkpoint of `rl eval --checkpoint` and says on one line which one it is and why: "best" silently
/// became "latest" when no evaluation had run, and the output never named the checkpoint used; a name that is
/// not there now fails listing what is (issue 11).
/// </summary>
internal static class EvalCheckpointChoice
{
    public static EvalCheckpoint Open(CheckpointStore store, string name, IReadOnlyCollection<string> files, string scoreUnit)
    {
        bool pointer = name is CheckpointStore.BestPointer or CheckpointStore.LatestPointer;
        if (!pointer && !store.List().Contains(name, StringComparer.Ordinal))
            throw new UnknownCheckpointException(Unknown(store, name, scoreUnit));
        var skipped = new List<string>();
        if (name == CheckpointStore.BestPointer && store.Pointer(CheckpointStore.BestPointer) is null)
        {
            var reader = store.OpenLatestValid(skipped, n => store.OpenSnapshot(n, files))
                ?? throw new InvalidDataException($"{Path.GetDirectoryName(store.Root)} has no valid checkpoint.");
            var counters = TrainingSession.ReadCounters(reader);
            string why = store.KeepBest
                ? "no evaluation ran in this run, so there is no best checkpoint"
                : "this run keeps no best checkpoint (checkpoint.keep_best: false)";
            return new EvalCheckpoint(reader, counters, $"{why}: using latest = {reader.Name} ({Details(reader.Manifest, counters.PreviousWallSeconds, scoreUnit)})", skipped);
        }
        var chosen = store.OpenSnapshot(name, files);
        var c = TrainingSession.ReadCounters(chosen);
        string label = pointer ? $"checkpoint {name} = {chosen.Name}" : $"checkpoint {chosen.Name}";
        string line = name == CheckpointStore.BestPointer && chosen.Manifest.Score is double best
            ? $"{label} (evaluation {Score(best, scoreUnit)} at {Minutes(c.PreviousWallSeconds)} of training, update {Updates(chosen.Manifest)}): the best evaluation of this run"
            : $"{label} ({Details(chosen.Manifest, c.PreviousWallSeconds, scoreUnit)})";
        return new EvalCheckpoint(chosen, c, line, skipped);
    }

    /// <summary>"update N, M min of training[, evaluation S]" of one checkpoint.</summary>
    private static string Details(CheckpointManifest m, double? wallSeconds, string scoreUnit)
    {
        string text = $"update {Updates(m)}";
        if (wallSeconds is double w) text += $", {Minutes(w)} of training";
        if (m.Score is double s) text += $", evaluation {Score(s, scoreUnit)}";
        return text;
    }

    private static string Updates(CheckpointManifest m) => m.Meta.GetValueOrDefault("updates") ?? m.Step.ToString(CultureInfo.InvariantCulture);

    private static string Minutes(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F1} min");

    private static string Score(double score, string unit) => string.Create(CultureInfo.InvariantCulture, $"{score:F2}{unit}");

    /// <summary>The error for a name that is not there, with every checkpoint of the run: pointers, update, training time, score.</summary>
    private static string Unknown(CheckpointStore store, string name, string scoreUnit)
    {
        var lines = new List<string> { $"there is no checkpoint '{name}' in {store.Root}." };
        var names = store.List();
        if (names.Count == 0)
        {
            lines.Add("The run has no checkpoint yet.");
            return string.Join(Environment.NewLine, lines);
        }
        lines.Add("Give --checkpoint best, latest or one of these:");
        foreach (string p in new[] { CheckpointStore.BestPointer, CheckpointStore.LatestPointer })
            lines.Add($"  {p,-16} = {store.Pointer(p) ?? "(none: " + (p == CheckpointStore.BestPointer ? "no evaluated checkpoint" : "none written") + ")"}");
        foreach (string n in names)
        {
            var manifest = store.TryReadManifest(n);
            lines.Add(manifest is null
                ? $"  {n,-16}   (no readable manifest: unfinished or damaged)"
                : $"  {n,-16}   {Details(manifest, WallSecondsOf(store, n), scoreUnit)}, written {manifest.CreatedUtc}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The run's wall time saved in a checkpoint's run state, read without verifying it (for the listing only).</summary>
    private static double? WallSecondsOf(CheckpointStore store, string name)
    {
        try
        {
            using var stream = File.OpenRead(Path.Combine(store.Root, name, TrainingSession.RunStateFile));
            using var reader = new BinaryReader(stream);
            var counters = new RunCounters();
            counters.Load(reader);
            return counters.PreviousWallSeconds;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
