namespace RL.Algorithms.Training;

/// <summary>
/// The last <see cref="Capacity"/> finished episodes (dropped ones excluded), for the console: "mean score of the last
/// 100 episodes" can be recomputed from the last 100 kept rows of episodes.csv, where the window of the old display
/// (the last episode alone) could not be told apart from noise (issue 11).
/// </summary>
public sealed class RecentEpisodes
{
    private readonly double[] _scores;
    private readonly bool[] _fell;
    private int _next, _count;

    public RecentEpisodes(int capacity = 100)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "keeps at least one episode.");
        _scores = new double[capacity];
        _fell = new bool[capacity];
    }

    public int Capacity => _scores.Length;

    public int Count => _count;

    public void Add(double score, bool fell)
    {
        _scores[_next] = score;
        _fell[_next] = fell;
        _next = (_next + 1) % _scores.Length;
        _count = Math.Min(_count + 1, _scores.Length);
    }

    /// <summary>Mean score over the window; NaN before the first episode.</summary>
    public double MeanScore
    {
        get
        {
            if (_count == 0) return double.NaN;
            double sum = 0;
            for (int i = 0; i < _count; i++) sum += _scores[i];
            return sum / _count;
        }
    }

    /// <summary>Share of the window that ended by a fall (a true termination), 0-1; NaN before the first episode.</summary>
    public double FallRate
    {
        get
        {
            if (_count == 0) return double.NaN;
            int falls = 0;
            for (int i = 0; i < _count; i++) if (_fell[i]) falls++;
            return falls / (double)_count;
        }
    }
}
