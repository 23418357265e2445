namespace RL.Envs.Remote;

/// <summary>
/// The last <see cref="Capacity"/> durations of some call, for percentiles (the adaptive step deadline, benchmarks).
/// Percentiles are recomputed into a preallocated buffer, so recording stays allocation-free.
/// </summary>
public sealed class LatencyWindow
{
    private readonly double[] _values;
    private readonly double[] _sorted;
    private int _next;

    public LatencyWindow(int capacity = 1024)
    {
        _values = new double[capacity];
        _sorted = new double[capacity];
    }

    public int Capacity => _values.Length;
    public int Count { get; private set; }
    public long Total { get; private set; }

    public void Add(double seconds)
    {
        _values[_next] = seconds;
        _next = (_next + 1) % _values.Length;
        if (Count < _values.Length) Count++;
        Total++;
    }

    /// <summary>The <paramref name="q"/>-quantile (0..1) of the window (nearest rank); 0 when empty.</summary>
    public double Percentile(double q)
    {
        if (Count == 0) return 0;
        Array.Copy(_values, _sorted, Count);
        Array.Sort(_sorted, 0, Count);
        int rank = (int)Math.Ceiling(q * Count) - 1;
        return _sorted[Math.Clamp(rank, 0, Count - 1)];
    }

    public void Clear()
    {
        Count = 0;
        _next = 0;
    }
}
