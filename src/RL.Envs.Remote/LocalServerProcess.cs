using System.Diagnostics;
using System.Globalization;

namespace RL.Envs.Remote;

/// <summary>
/// One env server running as a child process. It learns its port from the server's "listening" line on stdout,
/// keeps the last stderr lines for error messages, and holds the child's stdin open: the child exits when it
/// closes, so a parent that dies (even by SIGKILL) leaves no orphan server behind.
/// </summary>
internal sealed class LocalServerProcess : IDisposable
{
    /// <summary>Must match RL.Envs.Server.EnvServerHost.ListeningPrefix.</summary>
    public const string ListeningPrefix = "rl-env-server listening on ";

    private const int TailLines = 20;
    private readonly Process _process;
    private readonly TaskCompletionSource<EnvEndpoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _stderrTail = new();
    private int _omittedFrames;
    private volatile bool _stopping;
    private readonly string _name;
    private readonly bool _forwardStderr;

    private LocalServerProcess(Process process, string name, bool forwardStderr)
    {
        _process = process;
        _name = name;
        _forwardStderr = forwardStderr;
    }

    public int ProcessId { get; private set; }
    public EnvEndpoint? Endpoint { get; private set; }

    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    /// <summary>Starts <paramref name="command"/> and waits until it listens; throws with its stderr when it exits or times out first.</summary>
    public static async Task<LocalServerProcess> StartAsync(ServerCommand command, int slot, int threads, string token, string name,
        bool forwardStderr, TimeSpan timeout, CancellationToken ct)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in command.Arguments) info.ArgumentList.Add(a);
        foreach (string a in new[] { "--host", "127.0.0.1", "--port", "0", "--managed", "--step-socket", "--slot", slot.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        // The token goes through the environment, not the command line, where every local user could read it.
        info.Environment["RL_ENV_TOKEN"] = token;
        info.Environment["DOTNET_gcServer"] = "0";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new LocalServerProcess(process, name, forwardStderr);
        process.OutputDataReceived += (_, e) => server.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnStderr(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(new IOException($"{name} exited before listening: {server.DescribeExit()}.{server.StderrSuffix()}"));
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            process.Dispose();
            throw new IOException($"{name}: cannot start '{command}': {e.Message}", e);
        }
        server.ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Endpoint = await server._listening.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
            return server;
        }
        catch (TimeoutException)
        {
            server.Dispose();
            throw new TimeoutException($"{name} (pid {server.ProcessId}) did not listen within {timeout.TotalSeconds:F0} s.{server.StderrSuffix()}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private void OnStdout(string? line)
    {
        if (line is null) return;
        int at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (at < 0) return;
        string address = line[(at + ListeningPrefix.Length)..].Split(' ')[0];
        try
        {
            _listening.TrySetResult(EnvEndpoint.Parse(address, $"{_name}'s listening line"));
        }
        catch (ArgumentException e)
        {
            _listening.TrySetException(e);
        }
    }

    private void OnStderr(string? line)
    {
        if (line is null) return;
        lock (_stderrTail)
        {
            // Stack frames of a crash would push the line that says why out of the tail; they are counted instead.
            if (line.StartsWith("   at ", StringComparison.Ordinal)) _omittedFrames++;
            else
            {
                _stderrTail.Enqueue(line);
                while (_stderrTail.Count > TailLines) _stderrTail.Dequeue();
            }
        }
        if (_forwardStderr && !_stopping) Console.Error.WriteLine($"[{_name}] {line}");
    }

    /// <summary>The last lines the server wrote to stderr.</summary>
    public IReadOnlyList<string> StderrTail()
    {
        lock (_stderrTail) return _stderrTail.ToArray();
    }

    private string StderrSuffix()
    {
        var tail = StderrTail();
        string frames = _omittedFrames > 0 ? $"{Environment.NewLine}  ({_omittedFrames} stack-frame lines left out)" : "";
        return tail.Count == 0 ? $" It wrote nothing to stderr.{frames}" : $" Its last stderr lines:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", tail)}{frames}";
    }

    /// <summary>"running", "exit code 3" or "killed by signal 9 (SIGKILL)".</summary>
    public string DescribeExit()
    {
        if (!HasExited) return "running";
        int code = _process.ExitCode;
        // .NET reports a child killed by signal s as exit code 128 + s on Unix.
        return code > 128 && code < 160 ? $"killed by signal {code - 128} ({SignalName(code - 128)})" : $"exit code {code}";
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        2 => "SIGINT",
        _ => $"signal {signal}",
    };

    /// <summary>A full report for error messages: exit status and stderr tail.</summary>
    public string Report() => $"{DescribeExit()}.{StderrSuffix()}";

    /// <summary>Kills the server at once (it may be hung or stopped); waits briefly so its exit status is known.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            // The timed wait returns at exit; the untimed one then drains the redirected stderr, so the tail is complete.
            if (_process.WaitForExit(5000)) _process.WaitForExit();
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        // Closing stdin asks a managed server to stop; a server that does not go at once is killed (it may be hung).
        // Its goodbye on stderr is expected then, not news.
        _stopping = true;
        try { _process.StandardInput.Close(); } catch (Exception) { }
        try
        {
            if (!_process.WaitForExit(300)) Kill();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
