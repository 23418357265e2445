using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Tensors;

/// <summary>
/// Tensors that view a caller's float array (no copy). Written as <c>frombuffer(...).view(...)</c> the flat tensor is a
/// temporary that nothing owns while <c>view</c> runs in native code, so the finalizer may free it mid-call
/// (dotnet/TorchSharp#1434, issue 10); here it is a <c>using</c> local that outlives the call. The view keeps the
/// storage alive on its own.
/// </summary>
public static class BufferViews
{
    public static Tensor View(float[] buffer, params long[] shape)
    {
        using var flat = torch.frombuffer(buffer, ScalarType.Float32);
        return flat.view(shape);
    }

    /// <summary>Elements [offset, offset + product(shape)) of a flat tensor, viewed with <paramref name="shape"/>.</summary>
    public static Tensor Slice(Tensor flat, long offset, params long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        using var narrow = flat.narrow(0, offset, count);
        return narrow.view(shape);
    }
}
