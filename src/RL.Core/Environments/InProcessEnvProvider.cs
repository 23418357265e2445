using RL.Envs;
using RL.Envs.Vector;
using RL.Envs.Wrappers;

namespace RL.Core.Environments;

/// <summary>
/// Env groups that run inside the trainer process: one <see cref="SyncVectorEnv"/> per group over envs from an
/// <see cref="EnvRegistry"/>, each wrapped in a <see cref="ReplayableEnv"/> so episodes in progress can be
/// checkpointed and restored exactly. Used for tests, small tasks and debugging; Learning to Run at scale runs
/// on env servers.
/// </summary>
public sealed class InProcessEnvProvider : IEnvGroupProvider
{
    public const string ProviderName = "in_process";
    private readonly EnvRegistry _registry;

    public InProcessEnvProvider(EnvRegistry registry) => _registry = registry;

    public string Name => ProviderName;
    public EnvRegistry Registry => _registry;

    public EnvGroupSet Open(EnvGroupRequest request)
    {
        if (request.Endpoints.Count > 0)
            throw new ArgumentException($"env.endpoints lists {request.Endpoints.Count} server(s), but env.backend is {ProviderName}, which runs envs in this process.");
        var groups = new List<IVectorEnv>();
        try
        {
            for (int g = 0; g < request.Groups; g++)
            {
                var envs = new List<IEnv>();
                for (int i = 0; i < request.EnvsPerGroup; i++)
                    envs.Add(new ReplayableEnv(_registry.Create(request.EnvId, request.Options, request.OptionsSource)));
                groups.Add(new InProcessEnvGroup(new SyncVectorEnv(envs, request.ParallelWithinGroup)));
            }
        }
        catch
        {
            foreach (var g in groups) g.Dispose();
            throw;
        }
        return new EnvGroupSet(groups[0].Spec, groups);
    }
}

/// <summary>A <see cref="SyncVectorEnv"/> over <see cref="ReplayableEnv"/>s, resumable mid-episode.</summary>
public sealed class InProcessEnvGroup : IVectorEnv, IResumableEnvGroup
{
    private readonly SyncVectorEnv _inner;

    public InProcessEnvGroup(SyncVectorEnv inner)
    {
        if (inner.Envs.Any(e => e is not ReplayableEnv))
            throw new ArgumentException("an in-process env group needs ReplayableEnv envs.");
        _inner = inner;
    }

    public EnvSpec Spec => _inner.Spec;
    public int NumEnvs => _inner.NumEnvs;
    public IReadOnlyList<IEnv> Envs => _inner.Envs;

    public void Reset(ReadOnlySpan<long> seeds, Span<float> observations) => _inner.Reset(seeds, observations);

    public void Step(ReadOnlySpan<float> actions, VectorStepResult result) => _inner.Step(actions, result);

    public long? EpisodeSeed(int env) => _inner.EpisodeSeed(env);

    public void SaveState(BinaryWriter writer, ReadOnlySpan<float> observations)
    {
        int obs = Spec.ObservationSize;
        writer.Write(NumEnvs);
        for (int i = 0; i < NumEnvs; i++)
        {
            ((ReplayableEnv)_inner.Envs[i]).Save(writer, observations.Slice(i * obs, obs));
            var t = _inner.Trackers[i];
            writer.Write(t.Score);
            writer.Write(t.Return);
            writer.Write(t.Length);
            writer.Write(t.Seed.HasValue);
            writer.Write(t.Seed ?? 0);
            writer.Write(t.Terms.Length);
            foreach (double v in t.Terms) writer.Write(v);
        }
    }

    public void RestoreState(BinaryReader reader, Span<float> observations)
    {
        int n = reader.ReadInt32();
        if (n != NumEnvs) throw new InvalidDataException($"saved env group has {n} envs, this one {NumEnvs}.");
        // Reset first so the vector env is started; each env is then rebuilt by replaying its episode.
        _inner.Reset(ReadOnlySpan<long>.Empty, observations);
        int obs = Spec.ObservationSize;
        for (int i = 0; i < n; i++)
        {
            ((ReplayableEnv)_inner.Envs[i]).Restore(reader, observations.Slice(i * obs, obs));
            double score = reader.ReadDouble(), ret = reader.ReadDouble();
            int length = reader.ReadInt32();
            bool hasSeed = reader.ReadBoolean();
            long seed = reader.ReadInt64();
            var terms = new double[reader.ReadInt32()];
            for (int k = 0; k < terms.Length; k++) terms[k] = reader.ReadDouble();
            _inner.Trackers[i].Restore(score, ret, length, hasSeed ? seed : null, terms);
        }
    }

    public void Dispose() => _inner.Dispose();
}
