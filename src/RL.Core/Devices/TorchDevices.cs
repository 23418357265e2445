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
                throw new DeviceUnavailableException(BuildBackend == "cpu"
                    ? $"device {setting}: this build has TorchSharp's CPU backend (TorchSharp-cpu); build with -p:TorchBackend=cuda on a machine with CUDA, or use device: cpu / auto."
                    : $"device {setting}: CUDA is not available on this machine (no usable GPU or driver; `rl doctor` checks it); use device: cpu / auto.");
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
