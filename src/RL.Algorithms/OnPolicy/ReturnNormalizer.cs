using RL.Core.Normalization;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// Divides rewards by the running standard deviation of each env's discounted return, as SB3's VecNormalize
/// (norm_reward) does for the RL Zoo's PPO/TRPO MuJoCo settings: Rₜ = γRₜ₋₁ + rₜ per env (reset at episode
/// ends), its variance tracked over all envs and steps, rewards scaled by 1/√(var + ε) and clipped.
/// </summary>
public sealed class ReturnNormalizer
{
    private const double Epsilon = 1e-8;
    private readonly double _gamma, _clip;
    private readonly double[] _returns;
    private readonly RunningMeanStd _statistics = new(1);
    private readonly float[] _one = new float[1];

    public ReturnNormalizer(int envs, double gamma, double clip)
    {
        _returns = new double[envs];
        _gamma = gamma;
        _clip = clip;
    }

    /// <summary>Adds env <paramref name="env"/>'s reward to its return and the statistics, and returns it normalised.</summary>
    public float Normalize(int env, float reward, bool episodeEnded)
    {
        _returns[env] = _returns[env] * _gamma + reward;
        _one[0] = (float)_returns[env];
        _statistics.Update(_one);
        if (episodeEnded) _returns[env] = 0;
        double scaled = reward / Math.Sqrt(_statistics.Variance(0) + Epsilon);
        return (float)Math.Clamp(scaled, -_clip, _clip);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_returns.Length);
        foreach (double r in _returns) w.Write(r);
        _statistics.Save(w);
    }

    public void Load(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n != _returns.Length) throw new InvalidDataException($"the checkpoint's return normaliser has {n} envs; this run has {_returns.Length}.");
        for (int i = 0; i < n; i++) _returns[i] = r.ReadDouble();
        _statistics.Load(r);
    }
}
