namespace RL.Core.Devices;

/// <summary>
/// A device setting this build or machine cannot provide (`device: cuda` on a TorchSharp-cpu build, or on a machine
/// without a usable GPU). The user fixes it (the setting or the build), so every command that meets it, however deep,
/// ends with one line and exit code 2 (<see cref="ExitCodes.Usage"/>), never a stack trace (issue 11).
/// </summary>
public sealed class DeviceUnavailableException : ArgumentException
{
    public DeviceUnavailableException(string message) : base(message)
    {
    }
}
