using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Normalization;

/// <summary>
/// ((x − μ)/σ) clipped to ±c on tensors, with μ and σ copied from an <see cref="ObservationPipeline"/> only when
/// <see cref="Refresh"/> is called (not per batch), so the copy stays off the per-update path. Without
/// normalisation <see cref="Apply"/> returns its input and costs nothing. One instance per consumer (learner,
/// each sampler): each refreshes at its own synchronisation points.
/// </summary>
public sealed class TensorNormalizer : IDisposable
{
    private readonly ObservationPipeline _pipeline;
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly Tensor? _meanCpu;
    private readonly Tensor? _stdCpu;
    private readonly Tensor? _meanDevice;
    private readonly Tensor? _stdDevice;

    // ±clip as Scalars held for the normaliser's lifetime: an implicit one can be finalized mid-call (see
    // RL.Core.Optimization.AdamOptimizer), and these stay off the per-batch path.
    private readonly Scalar? _low, _high;

    public TensorNormalizer(ObservationPipeline pipeline, Device device)
    {
        _pipeline = pipeline;
        _mean = new float[pipeline.Size];
        _std = new float[pipeline.Size];
        if (!pipeline.Normalize) return;
        _meanCpu = torch.frombuffer(_mean, ScalarType.Float32);
        _stdCpu = torch.frombuffer(_std, ScalarType.Float32);
        _meanDevice = device.type == DeviceType.CPU ? _meanCpu : torch.zeros(pipeline.Size, device: device);
        _stdDevice = device.type == DeviceType.CPU ? _stdCpu : torch.ones(pipeline.Size, device: device);
        _low = (-pipeline.Clip).ToScalar();
        _high = pipeline.Clip.ToScalar();
        Refresh();
    }

    public bool Enabled => _pipeline.Normalize;
    public ReadOnlySpan<float> Mean => _mean;
    public ReadOnlySpan<float> Std => _std;

    /// <summary>Takes the pipeline's current statistics.</summary>
    public void Refresh()
    {
        if (!Enabled) return;
        _pipeline.Export(_mean, _std);
        if (!ReferenceEquals(_meanDevice, _meanCpu))
        {
            _meanDevice!.copy_(_meanCpu!);
            _stdDevice!.copy_(_stdCpu!);
        }
    }

    public Tensor Apply(Tensor x)
    {
        if (!Enabled) return x;
        return x.sub(_meanDevice!).div_(_stdDevice!).clamp_(_low!, _high!);
    }

    /// <summary>Writes the snapshot (so a resumed run uses the same statistics until its next refresh).</summary>
    public void Save(BinaryWriter writer)
    {
        foreach (float v in _mean) writer.Write(v);
        foreach (float v in _std) writer.Write(v);
    }

    public void Load(BinaryReader reader)
    {
        for (int i = 0; i < _mean.Length; i++) _mean[i] = reader.ReadSingle();
        for (int i = 0; i < _std.Length; i++) _std[i] = reader.ReadSingle();
        if (Enabled && !ReferenceEquals(_meanDevice, _meanCpu))
        {
            _meanDevice!.copy_(_meanCpu!);
            _stdDevice!.copy_(_stdCpu!);
        }
    }

    public void Dispose()
    {
        _meanCpu?.Dispose();
        _stdCpu?.Dispose();
        if (!ReferenceEquals(_meanDevice, _meanCpu)) _meanDevice?.Dispose();
        if (!ReferenceEquals(_stdDevice, _stdCpu)) _stdDevice?.Dispose();
        _low?.Dispose();
        _high?.Dispose();
    }
}
