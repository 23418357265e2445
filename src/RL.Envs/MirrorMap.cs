namespace RL.Envs;

/// <summary>
/// Left/right reflection of a vector: mirrored[i] = Sign[i] · x[Source[i]]. The env publishes one map for its
/// observation and one for its action (EnvSpec), so algorithms never hard-code indices (symmetry
/// augmentation, l2r-training-recipes.md §5.3). A valid map is an involution: mirroring twice is the identity.
/// </summary>
public sealed class MirrorMap
{
    public MirrorMap(int[] source, float[] sign)
    {
        if (source.Length != sign.Length)
            throw new ArgumentException($"MirrorMap: {source.Length} sources but {sign.Length} signs.");
        for (int i = 0; i < source.Length; i++)
        {
            int j = source[i];
            if (j < 0 || j >= source.Length)
                throw new ArgumentException($"MirrorMap: source[{i}] = {j} is outside 0..{source.Length - 1}.");
            if (source[j] != i || sign[j] != sign[i])
                throw new ArgumentException($"MirrorMap: element {i} ↔ {j} is not an involution (mirroring twice must be the identity).");
            if (sign[i] != 1f && sign[i] != -1f)
                throw new ArgumentException($"MirrorMap: sign[{i}] = {sign[i]} must be +1 or -1.");
        }
        Source = source;
        Sign = sign;
    }

    /// <summary>A map built from index pairs to swap; every other element maps to itself with sign +1.</summary>
    public static MirrorMap FromSwaps(int size, IEnumerable<(int A, int B)> swaps, IEnumerable<int>? negated = null)
    {
        var source = Enumerable.Range(0, size).ToArray();
        var sign = Enumerable.Repeat(1f, size).ToArray();
        foreach (var (a, b) in swaps)
        {
            source[a] = b;
            source[b] = a;
        }
        foreach (int n in negated ?? Array.Empty<int>()) sign[n] = -1f;
        return new MirrorMap(source, sign);
    }

    public int[] Source { get; }
    public float[] Sign { get; }
    public int Size => Source.Length;

    /// <summary>Writes the mirror of <paramref name="x"/> into <paramref name="mirrored"/> (they must not overlap).</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> mirrored)
    {
        if (x.Length != Size || mirrored.Length != Size)
            throw new ArgumentException($"MirrorMap of size {Size} applied to vectors of {x.Length} and {mirrored.Length}.");
        for (int i = 0; i < Size; i++) mirrored[i] = Sign[i] * x[Source[i]];
    }

    /// <summary>Mirrors every row of a row-major batch [rows × Size].</summary>
    public void ApplyRows(ReadOnlySpan<float> batch, Span<float> mirrored)
    {
        if (batch.Length % Size != 0 || mirrored.Length != batch.Length)
            throw new ArgumentException($"MirrorMap of size {Size}: batch of {batch.Length} values is not whole rows, or the output has {mirrored.Length}.");
        for (int r = 0; r < batch.Length; r += Size) Apply(batch.Slice(r, Size), mirrored.Slice(r, Size));
    }
}
