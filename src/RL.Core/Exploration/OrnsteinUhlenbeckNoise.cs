using RL.Envs.Random;

namespace RL.Core.Exploration;

/// <summary>
/// Ornstein–Uhlenbeck action noise, Euler–Maruyama discretised as in baselines and Reason8:
/// x ← x + θ(μ − x)dt + σ√dt·N(0, 1). Its stationary standard deviation is σ/√(2θ) (independent of dt) and its
/// lag-1 autocorrelation 1 − θ·dt. One instance per env; <see cref="Reset"/> at each episode start returns
/// x to μ. σ is passed in at each step so it can be annealed by a global schedule.
/// </summary>
public sealed class OrnsteinUhlenbeckNoise
{
    private readonly double[] _x;

    public OrnsteinUhlenbeckNoise(int size, double theta, double dt, double mu = 0)
    {
        if (theta < 0 || dt <= 0) throw new ArgumentException($"OU noise needs θ ≥ 0 and dt > 0 (got θ {theta}, dt {dt}).");
        _x = new double[size];
        Theta = theta;
        Dt = dt;
        Mu = mu;
        Reset();
    }

    public double Theta { get; }
    public double Dt { get; }
    public double Mu { get; }
    public int Size => _x.Length;
    public ReadOnlySpan<double> State => _x;

    public void Reset() => Array.Fill(_x, Mu);

    /// <summary>Puts the process in a given state (e.g. a draw from its stationary distribution).</summary>
    public void SetState(ReadOnlySpan<double> state)
    {
        if (state.Length != _x.Length) throw new ArgumentException($"OU state has {_x.Length} elements, got {state.Length}.");
        state.CopyTo(_x);
    }

    /// <summary>Advances the process one step with standard deviation <paramref name="sigma"/> and writes it into <paramref name="noise"/>.</summary>
    public void Sample(Xoshiro256 rng, double sigma, Span<float> noise)
    {
        double sqrtDt = Math.Sqrt(Dt);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] += Theta * (Mu - _x[i]) * Dt + sigma * sqrtDt * rng.NextGaussian();
            noise[i] = (float)_x[i];
        }
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(_x.Length);
        foreach (double v in _x) writer.Write(v);
    }

    public void Load(BinaryReader reader)
    {
        int n = reader.ReadInt32();
        if (n != _x.Length) throw new InvalidDataException($"saved OU state has {n} elements, this process {_x.Length}.");
        for (int i = 0; i < n; i++) _x[i] = reader.ReadDouble();
    }
}
