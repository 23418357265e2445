namespace RL.Envs.Vector;

/// <summary>Running sums of one env's current episode, turned into an <see cref="EpisodeSummary"/> at its end.</summary>
public sealed class EpisodeTracker
{
    private readonly double[] _terms;

    public EpisodeTracker(int envIndex, int termCount)
    {
        EnvIndex = envIndex;
        _terms = new double[termCount];
    }

    public int EnvIndex { get; }
    public double Score { get; private set; }
    public double Return { get; private set; }
    public int Length { get; private set; }
    public long? Seed { get; private set; }

    public void Start(long? seed)
    {
        Seed = seed;
        Score = 0;
        Return = 0;
        Length = 0;
        Array.Clear(_terms);
    }

    public void Add(double reward, double scoreReward, ReadOnlySpan<double> terms)
    {
        Return += reward;
        Score += scoreReward;
        Length++;
        for (int i = 0; i < Math.Min(terms.Length, _terms.Length); i++) _terms[i] += terms[i];
    }

    /// <summary>The per-term sums of the current episode, in the order of <see cref="EnvSpec.RewardTermNames"/>.</summary>
    public ReadOnlySpan<double> Terms => _terms;

    /// <summary>Sets the running sums of an episode in progress (restoring a trainer checkpoint; R13).</summary>
    public void Restore(double score, double @return, int length, long? seed, ReadOnlySpan<double> terms)
    {
        if (terms.Length != _terms.Length)
            throw new ArgumentException($"episode tracker has {_terms.Length} reward terms, the saved state {terms.Length}.");
        Score = score;
        Return = @return;
        Length = length;
        Seed = seed;
        terms.CopyTo(_terms);
    }

    public EpisodeSummary Finish(EndReason reason) => new(EnvIndex, Score, Return, Length, reason, Seed, (double[])_terms.Clone());
}
