using RL.Envs.Random;

namespace RL.Core.Exploration;

/// <summary>
/// Independent Gaussian action noise N(0, σ²) per element, optionally held for several decisions before it is
/// re-drawn (ACE re-samples every 5 decisions; recipes §3.2). One instance per env.
/// </summary>
public sealed class GaussianActionNoise
{
    private readonly float[] _held;
    private int _age;

    public GaussianActionNoise(int size, int holdSteps = 1)
    {
        if (holdSteps < 1) throw new ArgumentOutOfRangeException(nameof(holdSteps), holdSteps, "hold_steps must be at least 1.");
        _held = new float[size];
        HoldSteps = holdSteps;
        Reset();
    }

    public int HoldSteps { get; }

    /// <summary>Forces a fresh draw at the next step.</summary>
    public void Reset() => _age = HoldSteps;

    public void Sample(Xoshiro256 rng, double sigma, Span<float> noise)
    {
        if (_age >= HoldSteps)
        {
            for (int i = 0; i < _held.Length; i++) _held[i] = (float)(sigma * rng.NextGaussian());
            _age = 0;
        }
        _age++;
        _held.CopyTo(noise);
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(_age);
        writer.Write(_held.Length);
        foreach (float v in _held) writer.Write(v);
    }

    public void Load(BinaryReader reader)
    {
        _age = reader.ReadInt32();
        int n = reader.ReadInt32();
        if (n != _held.Length) throw new InvalidDataException($"saved Gaussian noise has {n} elements, this one {_held.Length}.");
        for (int i = 0; i < n; i++) _held[i] = reader.ReadSingle();
    }
}
