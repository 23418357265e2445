namespace RL.Envs.Spaces;

/// <summary>A box of real vectors: element i lies in [Low[i], High[i]] (either bound may be infinite).</summary>
public sealed class Box
{
    public Box(float[] low, float[] high)
    {
        if (low.Length != high.Length)
            throw new ArgumentException($"Box bounds differ in length: low has {low.Length}, high has {high.Length}.");
        for (int i = 0; i < low.Length; i++)
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"Box bound {i}: low {low[i]} is not ≤ high {high[i]}.");
        Low = low;
        High = high;
    }

    public static Box Uniform(int size, float low, float high) =>
        new(Enumerable.Repeat(low, size).ToArray(), Enumerable.Repeat(high, size).ToArray());

    public static Box Unbounded(int size) => Uniform(size, float.NegativeInfinity, float.PositiveInfinity);

    public float[] Low { get; }
    public float[] High { get; }
    public int Size => Low.Length;

    public bool Contains(ReadOnlySpan<float> x)
    {
        if (x.Length != Size) return false;
        for (int i = 0; i < x.Length; i++)
            if (!(x[i] >= Low[i] && x[i] <= High[i])) return false;
        return true;
    }
}
