using RL.Core.Native;
using TorchSharp;

namespace RL.Core.Devices;

/// <summary>
/// Turns a device setting ("cpu", "cuda", "cuda:N" or "auto") into a TorchSharp device. Nothing in the
/// framework assumes CUDA: "auto" falls back to the CPU, and an explicit "cuda" on a machine or build
/// without it is an error that says which.
/// </summary>
public static class TorchDevices
{
    public static readonly string[] Choices = { "cpu", "cuda", "auto" };

    public static bool CudaAvailable()
    {
        TorchNativeSetup.EnsureLoadable();
        try { return torch.cuda.is_available(); }
        catch (Exception) { return false; }
    }

    public static torch.Device Resolve(string setting)
    {
        TorchNativeSetup.EnsureLoadable();
        string s = setting.Trim().ToLowerInvariant();
        if (s == "cpu") return torch.CPU;
        if (s == "auto") return CudaAvailable() ? torch.CUDA : torch.CPU;
        if (s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!CudaAvailable())
                throw new ArgumentException(
                    $"device '{setting}' requested but CUDA is not available " +
                    $"({(BuildBackend == "cpu" ? "this build uses TorchSharp-cpu; rebuild with -p:TorchBackend=cuda from a feed that serves TorchSharp-cuda-linux" : "no usable GPU or driver")}). " +
                    "Use device: cpu or auto.");
            return s == "cuda" ? torch.CUDA : new torch.Device(s);
        }
        throw new ArgumentException($"device '{setting}' is not one of cpu, cuda, cuda:N, auto.");
    }

    /// <summary>The TorchSharp backend this assembly was built against (MSBuild property TorchBackend).</summary>
    public static string BuildBackend =>
#if TORCH_CUDA
        "cuda";
#else
        "cpu";
#endif
}
