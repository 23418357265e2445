using System.Collections.Concurrent;
using RL.MuJoCo;

namespace RL.Envs.Locomotion;

/// <summary>
/// The embedded model files, compiled once per process. Every env of a task shares its task's mjModel read-only and
/// owns only an mjData (mujoco-notes.md, "Speed": one model across threads works), so a server with hundreds of
/// envs holds three models, not hundreds.
/// </summary>
public static class LocomotionModels
{
    public const string Hopper = "hopper.xml";
    public const string Walker2d = "walker2d.xml";
    public const string HalfCheetah = "half_cheetah.xml";

    private static readonly ConcurrentDictionary<string, Lazy<MjModel>> Compiled = new(StringComparer.Ordinal);

    /// <summary>The MJCF text of an embedded model (for tests and for anyone who wants to render it).</summary>
    public static string Xml(string file)
    {
        using var stream = typeof(LocomotionModels).Assembly.GetManifestResourceStream(file)
            ?? throw new ArgumentException($"no embedded locomotion model '{file}' (have {Hopper}, {Walker2d}, {HalfCheetah}).", nameof(file));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The shared compiled model. Never edit it: copy it (<see cref="MjModel.Copy"/>) first.</summary>
    public static MjModel Shared(string file) =>
        Compiled.GetOrAdd(file, f => new Lazy<MjModel>(() => MjModel.FromXml(Xml(f), f), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
