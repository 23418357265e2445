using System.Diagnostics;

namespace RL.Core.Logging;

/// <summary>
/// Whether a process id names a running process on this machine: the test that tells a live writer's temporary
/// checkpoint or lock from one left behind by a killed process (issue 10, part 4).
/// </summary>
public static class ProcessLiveness
{
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux())
        {
            // A zombie (killed, not yet reaped by its parent) still has /proc/<pid> but will never write again.
            string stat = $"/proc/{pid}/stat";
            try
            {
                string text = File.ReadAllText(stat);
                int close = text.LastIndexOf(')');
                return close < 0 || close + 2 >= text.Length || text[close + 2] != 'Z';
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Directory.Exists($"/proc/{pid}");
            }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
