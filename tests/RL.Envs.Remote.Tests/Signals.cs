using System.Runtime.InteropServices;

namespace RL.Envs.Remote.Tests;

/// <summary>POSIX signals for the chaos tests (Linux numbers).</summary>
internal static partial class Signals
{
    public const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }
}
