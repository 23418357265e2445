using System.Text.Json;
using System.Text.RegularExpressions;

namespace RL.Envs.LearningToRun.Validation;

/// <summary>One step of a reference trajectory recorded from OpenSim (osim-rl) — the state after the step.</summary>
public sealed record ReferenceStep(int Step, double[] Action, double[] Observation, double Reward, bool Done,
    double[] FiberLength, double[] Activation, double[] TendonForce, double[] LigamentForce);

/// <summary>
/// A trajectory of the real 2017 simulator (OpenSim 4.0 + osim-rl v1.5) in the format of
/// shared/data/osim-reference (see its README): the reset state and the state after every env step, with the
/// actions that produced it. The env options (difficulty, max_obstacles) are read from meta.env.
/// </summary>
public sealed class ReferenceTrajectory
{
    public required string Source { get; init; }
    public required string Description { get; init; }
    public required int Difficulty { get; init; }
    public required int MaxObstacles { get; init; }
    public long? Seed { get; init; }
    public required double[] ResetObservation { get; init; }
    public required double[] ResetTendonForce { get; init; }

    /// <summary>Fibre lengths right after reset (m); empty if the file does not carry them.</summary>
    public double[] ResetFiberLength { get; init; } = Array.Empty<double>();
    public required IReadOnlyList<ReferenceStep> Steps { get; init; }

    /// <summary>The 1-based step at which the reference episode ended, or null if it never did.</summary>
    public int? EndStep => Steps.FirstOrDefault(s => s.Done)?.Step;

    public static ReferenceTrajectory Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        string env = root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("env", out var e) ? e.GetString() ?? "" : "";
        int difficulty = Match(env, @"difficulty\s+(\d+)") ?? throw new InvalidDataException($"{path}: meta.env does not name the difficulty ('{env}').");
        int maxObstacles = Match(env, @"max_obstacles\s+(\d+)") ?? 3;
        long? seed = Match(env, @"seed\s+(\d+)");
        var reset = root.GetProperty("reset");
        var steps = root.GetProperty("steps").EnumerateArray().Select(s => new ReferenceStep(
            s.GetProperty("step").GetInt32(),
            Doubles(s, "action"),
            Doubles(s, "obs"),
            s.GetProperty("reward").GetDouble(),
            s.GetProperty("done").GetBoolean(),
            Doubles(s, "fiber_length"),
            Doubles(s, "activation"),
            Doubles(s, "tendon_force"),
            Doubles(s, "ligament_force"))).ToList();
        return new ReferenceTrajectory
        {
            Source = path,
            Description = env,
            Difficulty = difficulty,
            MaxObstacles = maxObstacles,
            Seed = seed,
            ResetObservation = Doubles(reset, "obs"),
            ResetTendonForce = Doubles(reset, "tendon_force"),
            ResetFiberLength = Doubles(reset, "fiber_length"),
            Steps = steps,
        };
    }

    private static int? Match(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static double[] Doubles(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) ? a.EnumerateArray().Select(x => x.GetDouble()).ToArray() : Array.Empty<double>();
}
