using TorchSharp;

namespace RL.Core.Tensors;

/// <summary>
/// Scalars that live for the whole process, for the arguments TorchSharp would otherwise fill in with an implicitly
/// converted Scalar of its own: <c>add(Tensor)</c> is <c>add(Tensor, alpha: 1)</c>, and nothing keeps that
/// <c>1</c> alive during the native call, so the finalizer can free it while libtorch reads it
/// (dotnet/TorchSharp#1434, #1496; issue 10: a 2-core DDPG run died in Adam's <c>add_(ε)</c>). A static field is a
/// GC root, so these are never finalized. <c>tests/RL.Cli.Tests/TorchCallSiteScanTests</c> keeps such calls out.
/// </summary>
public static class OwnedScalars
{
    /// <summary>1, the alpha of a plain add (alpha multiplies the second operand: 1 gives the same bits as TorchSharp's default).</summary>
    public static readonly Scalar One = 1.0.ToScalar();
}
