using System.Text.Json;

namespace RL.Analysis.Render;

/// <summary>
/// Reads and writes a <see cref="Trajectory"/> as JSON (snake_case keys, numbers round-trip exactly). A file that is not
/// a trajectory, or whose parts do not fit together (a joint on a body that is not there, a step with the wrong number
/// of coordinates), is an <see cref="InvalidDataException"/> naming the file and the part, found when it is read rather
/// than half-way through a drawing.
/// </summary>
public static class TrajectoryFile
{
    public const string Extension = ".trajectory.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A key that is missing or null is an error, not a silent default (.NET 9: both off by default).
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static void Write(string path, Trajectory trajectory)
    {
        Validate(trajectory, path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        // Written beside and renamed, so a reader never sees half a file.
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary)) JsonSerializer.Serialize(stream, trajectory, Json);
        File.Move(temporary, path, overwrite: true);
    }

    public static Trajectory Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: no such file.");
        Trajectory? trajectory;
        try
        {
            using var stream = File.OpenRead(path);
            trajectory = JsonSerializer.Deserialize<Trajectory>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a trajectory file: {e.Message}");
        }
        if (trajectory is null) throw new InvalidDataException($"{path}: not a trajectory file (null).");
        Validate(trajectory, path);
        return trajectory;
    }

    /// <summary>The checks a drawing relies on; <paramref name="source"/> names the file in the message.</summary>
    public static void Validate(Trajectory t, string source)
    {
        void Fail(string what) => throw new InvalidDataException($"{source}: {what}");
        if (t.Format != Trajectory.FormatName) Fail($"format '{t.Format}' is not {Trajectory.FormatName}.");
        if (t.MuscleValues is not (Trajectory.Activation or Trajectory.Excitation))
            Fail($"muscle_values '{t.MuscleValues}' is neither {Trajectory.Activation} nor {Trajectory.Excitation}.");
        var m = t.Model;
        if (m.Bodies.Count == 0) Fail("the model has no bodies.");
        var seen = new HashSet<string>(StringComparer.Ordinal) { "" };
        foreach (var b in m.Bodies)
        {
            if (!seen.Contains(b.Parent)) Fail($"body '{b.Name}' comes before its parent '{b.Parent}' (or the parent is missing).");
            if (!seen.Add(b.Name)) Fail($"body '{b.Name}' is listed twice.");
            if (!Finite(b.X, b.Y, b.Angle)) Fail($"body '{b.Name}' has a non-finite offset.");
        }
        foreach (var j in m.Joints)
        {
            if (!seen.Contains(j.Body) || j.Body.Length == 0) Fail($"joint '{j.Name}' is on body '{j.Body}', which the model does not have.");
            if (j.Type is not (ModelJoint.Slide or ModelJoint.Hinge)) Fail($"joint '{j.Name}' has type '{j.Type}'; only slide and hinge are drawn.");
            if (j.Coordinate < 0 || j.Coordinate >= m.Coordinates.Count) Fail($"joint '{j.Name}' moves coordinate {j.Coordinate}, but there are {m.Coordinates.Count}.");
            if (!Finite(j.AxisX, j.AxisY, j.Sign, j.AnchorX, j.AnchorY)) Fail($"joint '{j.Name}' has a non-finite axis or anchor.");
        }
        foreach (var s in m.Spheres)
            if (!seen.Contains(s.Body) || s.Body.Length == 0) Fail($"sphere '{s.Name}' is on body '{s.Body}', which the model does not have.");
        foreach (var muscle in m.Muscles)
        {
            if (muscle.Points.Count < 2) Fail($"muscle '{muscle.Name}' has {muscle.Points.Count} point(s); a line needs 2.");
            foreach (var p in muscle.Points)
                if (!seen.Contains(p.Body) || p.Body.Length == 0) Fail($"muscle '{muscle.Name}' has a point on body '{p.Body}', which the model does not have.");
        }
        foreach (string b in m.ObservedBodies)
            if (!seen.Contains(b) || b.Length == 0) Fail($"observed body '{b}' is not a body of the model.");
        foreach (var o in t.Obstacles)
            if (!Finite(o.X, o.Y, o.R) || o.R < 0) Fail($"obstacle ({o.X}, {o.Y}, {o.R}) is not a circle.");
        if (t.Steps.Count == 0) Fail("no steps recorded.");
        for (int k = 0; k < t.Steps.Count; k++)
        {
            var s = t.Steps[k];
            if (s.Q.Count != m.Coordinates.Count) Fail($"step {k} has {s.Q.Count} coordinates, the model {m.Coordinates.Count}.");
            if (s.Muscles.Count != m.Muscles.Count) Fail($"step {k} has {s.Muscles.Count} muscle values, the model {m.Muscles.Count} muscles.");
            if (s.Observed.Count != 2 * m.ObservedBodies.Count) Fail($"step {k} has {s.Observed.Count} observed positions, expected x, y of {m.ObservedBodies.Count} bodies.");
            if (!Finite(s.T, s.Score) || !s.Q.All(double.IsFinite) || !s.Muscles.All(double.IsFinite) || !s.Observed.All(double.IsFinite))
                Fail($"step {k} holds a non-finite value.");
            if (k > 0 && !(s.T > t.Steps[k - 1].T)) Fail($"step {k}'s time {s.T} s does not come after step {k - 1}'s {t.Steps[k - 1].T} s.");
        }
    }

    private static bool Finite(params double[] values) => values.All(double.IsFinite);
}
