using System.Diagnostics;
using System.Runtime.InteropServices;
using RL.Envs.Remote;

namespace RL.Cli.Sweeps;

/// <summary>Runs one attempt of a cell and returns its exit code (<see cref="ExitCodes"/>); output goes to <c>log</c>.</summary>
public interface ICellLauncher
{
    Task<int> RunAsync(TrainRequest request, TextWriter log, CancellationToken stop);
}

/// <summary>
/// Each attempt is its own `rl train` process: a cell that crashes, leaks or is killed by the OOM killer takes
/// nothing else with it, and parallel cells each get their own TorchSharp thread pool and env servers. Stopping
/// the sweep sends SIGTERM, so every running cell writes its final checkpoint (R17) before it exits.
/// </summary>
public sealed class ProcessCellLauncher : ICellLauncher
{
    private const string SetsidPath = "/usr/bin/setsid";
    private readonly ServerCommand _self;

    public ProcessCellLauncher(ServerCommand? self = null) => _self = self ?? ServerCommand.CurrentProcess("train");

    public async Task<int> RunAsync(TrainRequest request, TextWriter log, CancellationToken stop)
    {
        // In a session of its own (setsid execs in place: same pid), so Ctrl-C at the terminal reaches only the
        // sweep, which then sends each cell exactly one SIGTERM; a second signal would make rl train stop without
        // its final checkpoint.
        bool setsid = File.Exists(SetsidPath);
        var info = new ProcessStartInfo(setsid ? SetsidPath : _self.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid) info.ArgumentList.Add(_self.FileName);
        foreach (string a in _self.Arguments.Concat(request.Arguments())) info.ArgumentList.Add(a);
        using var process = new Process { StartInfo = info };
        var gate = new object();
        void Write(string? line)
        {
            if (line is null) return;
            lock (gate) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await using var onStop = stop.Register(() => Terminate(process));
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        // WaitForExitAsync returns once the process ends; the redirected streams may still hold lines.
        process.WaitForExit();
        lock (gate) log.Flush();
        return process.ExitCode;
    }

    private static void Terminate(Process process)
    {
        try
        {
            if (!process.HasExited) _ = kill(process.Id, 15);
        }
        catch (InvalidOperationException)
        {
        }
    }

    // .NET has no portable "send SIGTERM": Process.Kill is SIGKILL, which would lose the cell's final checkpoint.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
