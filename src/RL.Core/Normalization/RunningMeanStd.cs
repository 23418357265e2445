namespace RL.Core.Normalization;

/// <summary>
/// Per-element running mean and variance in double precision, updated with batches by Chan et al.'s parallel
/// algorithm (the same update as baselines' RunningMeanStd), so statistics from several samplers can be
/// combined and the result equals one pass over all data. Plain arrays: no TorchSharp.
/// </summary>
public sealed class RunningMeanStd
{
    private readonly double[] _mean;
    private readonly double[] _m2;
    private readonly double[] _batchMean;
    private readonly double[] _batchM2;

    public RunningMeanStd(int size)
    {
        Size = size;
        _mean = new double[size];
        _m2 = new double[size];
        _batchMean = new double[size];
        _batchM2 = new double[size];
    }

    public int Size { get; }
    public long Count { get; private set; }
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Population variance of element <paramref name="i"/> (0 before any data).</summary>
    public double Variance(int i) => Count == 0 ? 0 : _m2[i] / Count;

    /// <summary>Adds the rows of a row-major batch [rows × Size].</summary>
    public void Update(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Size != 0) throw new ArgumentException($"batch of {rows.Length} values is not whole rows of {Size}.");
        int n = rows.Length / Size;
        if (n == 0) return;
        Array.Clear(_batchMean);
        Array.Clear(_batchM2);
        for (int r = 0; r < n; r++)
            for (int i = 0; i < Size; i++) _batchMean[i] += rows[r * Size + i];
        for (int i = 0; i < Size; i++) _batchMean[i] /= n;
        for (int r = 0; r < n; r++)
            for (int i = 0; i < Size; i++)
            {
                double d = rows[r * Size + i] - _batchMean[i];
                _batchM2[i] += d * d;
            }
        Combine(_batchMean, _batchM2, n);
    }

    /// <summary>Merges another accumulator's statistics into this one.</summary>
    public void Combine(RunningMeanStd other)
    {
        if (other.Size != Size) throw new ArgumentException($"cannot combine statistics of sizes {Size} and {other.Size}.");
        Combine(other._mean, other._m2, other.Count);
    }

    private void Combine(double[] mean, double[] m2, long n)
    {
        if (n == 0) return;
        long total = Count + n;
        for (int i = 0; i < Size; i++)
        {
            double delta = mean[i] - _mean[i];
            _mean[i] += delta * n / total;
            _m2[i] += m2[i] + delta * delta * Count * n / total;
        }
        Count = total;
    }

    /// <summary>Writes mean and standard deviation sqrt(var + ε) as float32 (what the networks consume).</summary>
    public void Export(Span<float> mean, Span<float> std, double epsilon)
    {
        for (int i = 0; i < Size; i++)
        {
            mean[i] = (float)_mean[i];
            std[i] = (float)Math.Sqrt(Variance(i) + epsilon);
        }
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(Size);
        writer.Write(Count);
        foreach (double v in _mean) writer.Write(v);
        foreach (double v in _m2) writer.Write(v);
    }

    public void Load(BinaryReader reader)
    {
        int size = reader.ReadInt32();
        if (size != Size) throw new InvalidDataException($"saved normaliser has {size} elements, this one {Size}.");
        Count = reader.ReadInt64();
        for (int i = 0; i < Size; i++) _mean[i] = reader.ReadDouble();
        for (int i = 0; i < Size; i++) _m2[i] = reader.ReadDouble();
    }
}
