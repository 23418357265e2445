using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Networks;

/// <summary>Whole-module parameter operations: copies, soft (Polyak) updates, bitwise comparison and finiteness.</summary>
public static class Parameters
{
    /// <summary>Copies every parameter and buffer of <paramref name="source"/> into <paramref name="target"/> (same architecture).</summary>
    public static void Copy(nn.Module source, nn.Module target)
    {
        using var _ = torch.no_grad();
        var src = source.parameters().ToList();
        var dst = target.parameters().ToList();
        if (src.Count != dst.Count)
            throw new ArgumentException($"cannot copy parameters between modules with {src.Count} and {dst.Count} parameters.");
        for (int i = 0; i < src.Count; i++) dst[i].copy_(src[i]);
    }

    /// <summary>
    /// Polyak averaging θ' ← (1 − τ)θ' + τθ (Lillicrap et al. 2015; recipes §5.6), as one lerp per tensor.
    /// <paramref name="tau"/> is a 0-dimensional tensor on the parameters' device, reused across updates.
    /// </summary>
    public static void SoftUpdate(IReadOnlyList<Tensor> target, IReadOnlyList<Tensor> source, Tensor tau)
    {
        using var _ = torch.no_grad();
        for (int i = 0; i < target.Count; i++) target[i].lerp_(source[i], tau);
    }

    /// <summary>True when every element of every tensor is finite (a checkpoint with NaN weights is never written; R9).</summary>
    public static bool AllFinite(IEnumerable<Tensor> tensors)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var t in tensors)
            if (!t.isfinite().all().item<bool>()) return false;
        return true;
    }

    /// <summary>Bitwise equality of two tensors (shape, dtype and every byte of the data).</summary>
    public static bool BitwiseEqual(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var scope = torch.NewDisposeScope(); // owns the .cpu() temporaries while contiguous() reads them (issue 10)
        var ac = a.cpu().contiguous();
        var bc = b.cpu().contiguous();
        return ac.bytes.SequenceEqual(bc.bytes);
    }
}
