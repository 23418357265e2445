using RL.Core.Native;

namespace RL.Cli.Tests;

/// <summary>Applies the TorchSharp load fix before any test of this assembly touches libtorch.</summary>
[SetUpFixture]
public class TorchSetUp
{
    [OneTimeSetUp]
    public void LoadTorch()
    {
        string? problem = TorchNativeSetup.TryLoadBackend();
        Assert.That(problem, Is.Null, "TorchSharp's native backend did not load");
    }
}
