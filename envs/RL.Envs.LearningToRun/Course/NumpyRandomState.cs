namespace RL.Envs.LearningToRun.Course;

/// <summary>
/// numpy's legacy global RNG (numpy.random.RandomState, "mtrand"), which osim-rl's generate_env used, so that a
/// seed reproduces a 2017 obstacle course and muscle strengths bit for bit: MT19937 (Matsumoto and Nishimura
/// 1998) seeded by init_genrand; random_sample = (a·2²⁶ + b)/2⁵³ from two 32-bit draws (a &gt;&gt; 5, b &gt;&gt; 6);
/// uniform = low + (high − low)·U; exponential = scale·(−log(1 − U)); normal = loc + scale·gauss, where gauss
/// is the polar Box–Muller method that caches the second value of each pair (numpy legacy_gauss).
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private const uint MatrixA = 0x9908b0dfU, UpperMask = 0x80000000U, LowerMask = 0x7fffffffU;
    private readonly uint[] _mt = new uint[N];
    private int _index;
    private bool _hasGauss;
    private double _gauss;

    public NumpyRandomState(uint seed) => Seed(seed);

    /// <summary>np.random.seed(seed) for an integer seed: init_genrand, and the cached Gaussian is dropped.</summary>
    public void Seed(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++)
            _mt[i] = unchecked(1812433253U * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _index = N;
        _hasGauss = false;
        _gauss = 0;
    }

    /// <summary>The next 32-bit output of MT19937 (genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (int k = 0; k < N; k++)
        {
            uint y = (_mt[k] & UpperMask) | (_mt[(k + 1) % N] & LowerMask);
            _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0U);
        }
        _index = 0;
    }

    /// <summary>random_sample(): a double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    public double Exponential(double scale) => scale * -Math.Log(1.0 - NextDouble());

    public double Gauss()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            double cached = _gauss;
            _gauss = 0;
            return cached;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    public double Normal(double loc, double scale) => loc + scale * Gauss();

    /// <summary>The generator state (key, position, cached Gaussian) for checkpoints.</summary>
    public (uint[] Key, int Position, bool HasGauss, double Gauss) GetState() => ((uint[])_mt.Clone(), _index, _hasGauss, _gauss);

    public void SetState(uint[] key, int position, bool hasGauss, double gauss)
    {
        if (key.Length != N) throw new ArgumentException($"MT19937 state has {N} words, got {key.Length}.");
        if (position < 0 || position > N) throw new ArgumentException($"MT19937 position {position} is outside 0..{N}.");
        key.CopyTo(_mt, 0);
        _index = position;
        _hasGauss = hasGauss;
        _gauss = gauss;
    }
}
