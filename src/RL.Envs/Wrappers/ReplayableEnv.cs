using RL.Envs.Random;

namespace RL.Envs.Wrappers;

/// <summary>
/// Makes an env's current state reproducible from a few numbers, so a trainer checkpoint can restore an episode
/// in progress exactly (reliability.md R13). Every episode gets its own seed: an explicit reset seed s starts
/// episode 0 with s itself (so Reset(s) still reproduces, e.g., the 2017 obstacle course for s), and each later
/// reset without a seed uses SeedSequence.Derive(s, "episode", k). The actions of the current episode are
/// recorded; <see cref="Restore"/> resets with the episode's seed and replays them. This needs a deterministic
/// env, which the replay checks: an episode that ends during replay, or a final observation that differs from
/// the saved one, is reported rather than silently continued.
/// </summary>
public sealed class ReplayableEnv : IEnv, IEpisodeSeed
{
    private readonly IEnv _inner;
    private readonly List<float> _actions = new();
    private long _baseSeed;
    private long _episode = -1;

    public ReplayableEnv(IEnv inner)
    {
        _inner = inner;
    }

    public EnvSpec Spec => _inner.Spec;
    public IEnv Inner => _inner;

    /// <summary>The seed the current episode was reset with.</summary>
    public long EpisodeSeed => SeedOf(_baseSeed, _episode);

    long? IEpisodeSeed.EpisodeSeed => EpisodeSeed;

    public long EpisodeIndex => _episode;
    public int StepsInEpisode => _actions.Count / Spec.ActionSize;

    public static long SeedOf(long baseSeed, long episode) =>
        episode <= 0 ? baseSeed : SeedSequence.DeriveEnvSeed((ulong)baseSeed, "episode", episode);

    public void Reset(long? seed, Span<float> observation)
    {
        if (seed is long s)
        {
            _baseSeed = s;
            _episode = 0;
        }
        else
        {
            _episode++;
        }
        _actions.Clear();
        _inner.Reset(EpisodeSeed, observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var outcome = _inner.Step(action, observation);
        foreach (float a in action) _actions.Add(a);
        if (outcome.Done) _actions.Clear();
        return outcome;
    }

    public ReadOnlySpan<double> RewardTerms => _inner.RewardTerms;

    /// <summary>Writes what <see cref="Restore"/> needs: base seed, episode number and the episode's actions.</summary>
    public void Save(BinaryWriter writer, ReadOnlySpan<float> currentObservation)
    {
        writer.Write(_baseSeed);
        writer.Write(_episode);
        writer.Write(_actions.Count);
        foreach (float a in _actions) writer.Write(a);
        writer.Write(currentObservation.Length);
        foreach (float v in currentObservation) writer.Write(v);
    }

    /// <summary>Rebuilds the saved state by resetting with the episode's seed and replaying its actions.</summary>
    public void Restore(BinaryReader reader, Span<float> observation)
    {
        _baseSeed = reader.ReadInt64();
        _episode = reader.ReadInt64();
        int count = reader.ReadInt32();
        var actions = new float[count];
        for (int i = 0; i < count; i++) actions[i] = reader.ReadSingle();
        int obsLength = reader.ReadInt32();
        var saved = new float[obsLength];
        for (int i = 0; i < obsLength; i++) saved[i] = reader.ReadSingle();
        if (obsLength != observation.Length)
            throw new InvalidDataException($"{Spec.Id}: saved observation has {obsLength} values, the env {observation.Length}.");
        _actions.Clear();
        _inner.Reset(EpisodeSeed, observation);
        int size = Spec.ActionSize;
        for (int t = 0; t < count / size; t++)
        {
            var outcome = _inner.Step(actions.AsSpan(t * size, size), observation);
            if (outcome.Done)
                throw new InvalidDataException($"{Spec.Id}: the replayed episode (seed {EpisodeSeed}) ended after {t + 1} of {count / size} steps; the env is not deterministic, so the episode cannot be restored.");
        }
        _actions.AddRange(actions);
        if (!observation.SequenceEqual(saved))
            throw new InvalidDataException($"{Spec.Id}: replaying the episode (seed {EpisodeSeed}, {count / size} steps) gave a different observation than the saved one; the env is not deterministic.");
    }

    public void Dispose() => _inner.Dispose();
}
