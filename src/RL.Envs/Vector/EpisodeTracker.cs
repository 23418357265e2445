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

    public EpisodeSummary Finish(EndReason reason) => new(EnvIndex, Score, Return, Length, reason, Seed, (double[])_terms.Clone());
}
