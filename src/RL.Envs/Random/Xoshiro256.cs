namespace RL.Envs.Random;

/// <summary>
/// xoshiro256** (Blackman and Vigna 2018), the framework's own PRNG. Unlike System.Random its state can be read
/// and restored, which resume-exactness needs (reliability.md R13). Seeded through SplitMix64 as the authors
/// recommend. Not thread-safe: one instance per stream.
/// </summary>
public sealed class Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    public static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        // Lemire's multiply-shift with rejection: unbiased.
        ulong bound = (ulong)n;
        while (true)
        {
            UInt128 m = (UInt128)NextUInt64() * bound;
            ulong low = (ulong)m;
            if (low >= bound || low >= (0UL - bound) % bound) return (int)(m >> 64);
        }
    }

    /// <summary>Standard normal by the polar Box–Muller method (pairs; the spare is part of the saved state).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    /// <summary>The full state (4 words, the spare Gaussian flag and value) for checkpoints.</summary>
    public ulong[] GetState() => new[]
    {
        _s0, _s1, _s2, _s3,
        _spareGaussian.HasValue ? 1UL : 0UL,
        (ulong)BitConverter.DoubleToInt64Bits(_spareGaussian ?? 0),
    };

    public void SetState(ulong[] state)
    {
        if (state.Length != 6) throw new ArgumentException($"Xoshiro256 state has 6 words, got {state.Length}.");
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("Xoshiro256 state must not be all zero.");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareGaussian = state[4] != 0 ? BitConverter.Int64BitsToDouble((long)state[5]) : null;
    }
}
