namespace RL.Envs.Wrappers;

/// <summary>
/// Gives every episode after an explicit reset seed s a seed of its own and remembers it: reset k without a seed
/// uses <see cref="ReplayableEnv.SeedOf"/>(s, k), the sequence the trainer's in-process envs use, so a served env
/// and an in-process one run the same episodes, and every episode can be re-run alone from its seed. Env servers
/// wrap their envs in it and report the seeds (issue 11: autoreset episodes used to continue the env's random
/// stream, which has no seed to report). Before any explicit seed the env keeps its default stream.
/// </summary>
public sealed class EpisodeSeeding : IEnv, IEpisodeSeed
{
    private readonly IEnv _inner;
    private long? _baseSeed;
    private long _episode;

    public EpisodeSeeding(IEnv inner) => _inner = inner;

    public EnvSpec Spec => _inner.Spec;
    public IEnv Inner => _inner;
    public long? EpisodeSeed { get; private set; }

    public void Reset(long? seed, Span<float> observation)
    {
        if (seed is long s)
        {
            _baseSeed = s;
            _episode = 0;
        }
        else if (_baseSeed is not null)
        {
            _episode++;
        }
        EpisodeSeed = _baseSeed is long b ? ReplayableEnv.SeedOf(b, _episode) : null;
        _inner.Reset(EpisodeSeed, observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation) => _inner.Step(action, observation);

    public ReadOnlySpan<double> RewardTerms => _inner.RewardTerms;

    public void Dispose() => _inner.Dispose();
}
