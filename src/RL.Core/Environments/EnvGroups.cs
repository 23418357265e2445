using RL.Envs;
using RL.Envs.Vector;

namespace RL.Core.Environments;

/// <summary>
/// What a trainer asks an env source for: <see cref="Groups"/> vector envs (one per env server when remote)
/// of <see cref="EnvsPerGroup"/> envs each, all built from <see cref="EnvId"/> with <see cref="Options"/>
/// (which include the generic frame_skip and shaping stages, applied where the env runs).
/// </summary>
public sealed record EnvGroupRequest
{
    public required string EnvId { get; init; }
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the options came from, for error messages (e.g. "config.yaml:14 env.options").</summary>
    public string OptionsSource { get; init; } = "env options";

    public int Groups { get; init; } = 1;
    public int EnvsPerGroup { get; init; } = 1;

    /// <summary>
    /// Env server sources: split each server's <see cref="EnvsPerGroup"/> envs into this many batches, each its own
    /// group (so <see cref="Groups"/> × this groups come back, envs in server order). In-process sources take 1.
    /// </summary>
    public int BatchesPerServer { get; init; } = 1;

    /// <summary>How steps reach local servers: "socket" (their local step channel) or "grpc" (env.local_transport).</summary>
    public string LocalTransport { get; init; } = "socket";

    /// <summary>Remote env servers (host:port) when the source connects to existing servers.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = Array.Empty<string>();

    /// <summary>Step the envs of one group on several threads (in-process sources).</summary>
    public bool ParallelWithinGroup { get; init; }

    /// <summary>
    /// Master of the seeds a source picks by itself (env servers: episodes reopened after a lost server), so
    /// replacement episodes are reproducible from the run's seed too.
    /// </summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// Health counters of an env fleet (reliability.md §5), reported by sources that manage env servers.
/// In-process sources have no servers to lose and report none.
/// </summary>
public interface IEnvFleetStatus
{
    long Restarts { get; }
    long Timeouts { get; }
    int HealthyServers { get; }
}

/// <summary>
/// An env group whose exact state (episodes in progress, their running sums) can be saved in a checkpoint and
/// rebuilt, so a resumed run continues bit-identically (reliability.md R13). Groups that cannot (remote
/// servers) are reset on resume instead (R14).
/// </summary>
public interface IResumableEnvGroup
{
    /// <summary>Writes the group's state; <paramref name="observations"/> are the current ones (NumEnvs × obs).</summary>
    void SaveState(BinaryWriter writer, ReadOnlySpan<float> observations);

    /// <summary>Rebuilds the saved state and writes the current observations.</summary>
    void RestoreState(BinaryReader reader, Span<float> observations);
}

/// <summary>The opened env groups of a run. Disposing closes every env (and, for servers, stops them).</summary>
public sealed class EnvGroupSet : IDisposable
{
    private readonly Action? _onDispose;

    public EnvGroupSet(EnvSpec spec, IReadOnlyList<IVectorEnv> groups, IEnvFleetStatus? status = null, Action? onDispose = null)
    {
        if (groups.Count == 0) throw new ArgumentException("an env group set needs at least one group.");
        Spec = spec;
        Groups = groups;
        Status = status;
        _onDispose = onDispose;
    }

    /// <summary>The spec as the trainer sees it (after frame skip and shaping).</summary>
    public EnvSpec Spec { get; }
    public IReadOnlyList<IVectorEnv> Groups { get; }
    public IEnvFleetStatus? Status { get; }
    public int TotalEnvs => Groups.Sum(g => g.NumEnvs);

    public void Dispose()
    {
        foreach (var g in Groups) g.Dispose();
        _onDispose?.Invoke();
    }
}

/// <summary>
/// A source of env groups: the seam between trainers and where envs run. The in-process source builds
/// SyncVectorEnvs from an <see cref="EnvRegistry"/>; the gRPC worker pool (local child servers or remote
/// endpoints) plugs in as another source under its own <see cref="Name"/>.
/// </summary>
public interface IEnvGroupProvider
{
    /// <summary>The value of config key env.backend that selects this source (e.g. "in_process", "local", "remote").</summary>
    string Name { get; }

    /// <summary>Opens the groups, or throws <see cref="ArgumentException"/> naming the bad id or option.</summary>
    EnvGroupSet Open(EnvGroupRequest request);
}
