using System.Diagnostics;
using System.Text;

namespace RL.Cli.Tests;

/// <summary>
/// Runs `rl` as a child process the way a user would (`dotnet rl.dll ...` from the test output folder), in a
/// scratch working directory, optionally in its own session (setsid) so a signal can go to its whole process group.
/// </summary>
internal sealed class RlProcess : IDisposable
{
    private readonly StringBuilder _stdout = new(), _stderr = new();

    public static string RlDll => Path.Combine(AppContext.BaseDirectory, "rl.dll");

    /// <summary>The repository's experiments/configs folder (configs the tests train on).</summary>
    public static string ConfigsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "RL.sln"))) return Path.Combine(dir.FullName, "experiments", "configs");
            throw new DirectoryNotFoundException("RL.sln not found above the test output folder.");
        }
    }

    private RlProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts `rl args...` in <paramref name="workingDirectory"/>; with <paramref name="ownSession"/> its pid is also its process-group id.</summary>
    public static RlProcess Start(string workingDirectory, bool ownSession, params string[] args) => Start(workingDirectory, ownSession, null, args);

    /// <summary>As above, with <paramref name="environment"/> added to the child's environment.</summary>
    public static RlProcess Start(string workingDirectory, bool ownSession, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(ownSession ? "setsid" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (ownSession) info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(RlDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        // Plain output (no progress bar) and no colour codes in what the tests read.
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new RlProcess(Process.Start(info)!);
    }

    /// <summary>Runs `rl args...` to its end (or kills it after <paramref name="timeout"/>) and returns its exit code.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, TimeSpan timeout, params string[] args) =>
        Run(workingDirectory, timeout, null, args);

    /// <summary>As above, with <paramref name="environment"/> added to the child's environment.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var rl = Start(workingDirectory, ownSession: false, environment, args);
        if (!rl.Process.WaitForExit(timeout))
        {
            rl.Process.Kill(entireProcessTree: true);
            Assert.Fail($"rl {string.Join(' ', args)} did not finish within {timeout}.\nstdout:\n{rl.Stdout}\nstderr:\n{rl.Stderr}");
        }
        rl.Process.WaitForExit(); // drains the asynchronous readers
        return (rl.Process.ExitCode, rl.Stdout, rl.Stderr);
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        Process.Dispose();
    }
}
