using RL.Envs;

namespace RL.Core.Normalization;

/// <summary>
/// The trainer-side observation path shared by every algorithm: env observation → <see cref="ObservationTransform"/>
/// (features by name) → optional running mean/std normalisation with clipping (NNAISENSE: clip ±5). The
/// transform runs on the CPU when observations arrive; normalisation runs on tensors (<see cref="TensorNormalizer"/>)
/// from statistics exported here, so stored transitions stay unnormalised and every batch uses current statistics.
/// The statistics are part of every checkpoint (ecosystem.md §6: normaliser saved with the weights).
/// </summary>
public sealed class ObservationPipeline
{
    private readonly object _gate = new();

    public ObservationPipeline(ObservationTransform transform, bool normalize, double clip, double epsilon)
    {
        Transform = transform;
        Normalize = normalize;
        Clip = clip;
        Epsilon = epsilon;
        Statistics = new RunningMeanStd(transform.OutputSize);
    }

    public ObservationTransform Transform { get; }
    public bool Normalize { get; }
    public double Clip { get; }
    public double Epsilon { get; }
    public RunningMeanStd Statistics { get; }
    public int Size => Transform.OutputSize;
    public MirrorMap? Mirror => Transform.Mirror;

    /// <summary>Adds transformed observation rows to the statistics (thread-safe; a no-op without normalisation).</summary>
    public void Observe(ReadOnlySpan<float> transformedRows)
    {
        if (!Normalize) return;
        lock (_gate) Statistics.Update(transformedRows);
    }

    /// <summary>Current mean and standard deviation as float32 (identity values without normalisation).</summary>
    public void Export(Span<float> mean, Span<float> std)
    {
        if (!Normalize)
        {
            mean.Clear();
            std.Fill(1f);
            return;
        }
        lock (_gate) Statistics.Export(mean, std, Epsilon);
    }

    public void Save(BinaryWriter writer)
    {
        lock (_gate) Statistics.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        lock (_gate) Statistics.Load(reader);
    }
}
