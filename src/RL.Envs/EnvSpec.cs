using RL.Envs.Spaces;

namespace RL.Envs;

/// <summary>
/// What an environment is, as data: sizes, bounds, names, the left/right mirror maps, its time limit and the
/// simulator behind it. Served unchanged over the env contract (Describe), so a remote env and a local one
/// look the same to a trainer.
/// </summary>
public sealed record EnvSpec
{
    public required string Id { get; init; }
    public required Box ObservationSpace { get; init; }
    public required Box ActionSpace { get; init; }
    public required string[] ObservationNames { get; init; }
    public required string[] ActionNames { get; init; }

    /// <summary>Left/right reflection of observations and actions, when the env is symmetric.</summary>
    public MirrorMap? ObservationMirror { get; init; }
    public MirrorMap? ActionMirror { get; init; }

    /// <summary>Episode length limit in env steps (after which <c>truncated</c> is set), 0 when unlimited.</summary>
    public int MaxEpisodeSteps { get; init; }

    /// <summary>Names of the reward terms reported by <see cref="IEnv.RewardTerms"/> (e.g. shaping terms).</summary>
    public string[] RewardTermNames { get; init; } = Array.Empty<string>();

    public string Simulator { get; init; } = "";
    public string SimulatorVersion { get; init; } = "";

    /// <summary>The options the env was created with, after defaults (for run directories and checkpoints).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public int ObservationSize => ObservationSpace.Size;
    public int ActionSize => ActionSpace.Size;

    /// <summary>Index of a named observation element, or an error listing what exists.</summary>
    public int ObservationIndex(string name)
    {
        int i = Array.IndexOf(ObservationNames, name);
        if (i < 0) throw new ArgumentException($"env '{Id}' has no observation named '{name}' (has: {string.Join(", ", ObservationNames)}).");
        return i;
    }
}
