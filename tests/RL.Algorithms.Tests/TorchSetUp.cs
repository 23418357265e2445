using RL.Core.Native;

namespace RL.Algorithms.Tests;

/// <summary>Applies the TorchSharp load fix before any test of this assembly touches libtorch; one intra-op thread (CPU determinism).</summary>
[SetUpFixture]
public class TorchSetUp
{
    [OneTimeSetUp]
    public void LoadTorch()
    {
        string? problem = TorchNativeSetup.TryLoadBackend();
        Assert.That(problem, Is.Null, "TorchSharp's native backend did not load");
        TorchSharp.torch.set_num_threads(1);
    }
}
