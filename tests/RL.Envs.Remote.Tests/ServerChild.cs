using System.Diagnostics;
using System.Text;
using Grpc.Net.Client;
using RL.Envs.Remote.Protocol;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// A real env server process for one test (`dotnet RL.Envs.Server.dll serve --port 0 ...`): native faults such as a
/// heap corruption abort this process, not the test runner, and show up in its exit status and stderr.
/// </summary>
internal sealed class ServerChild : IDisposable
{
    private readonly StringBuilder _stderr = new();

    private ServerChild(Process process, string listeningLine)
    {
        Process = process;
        ListeningLine = listeningLine;
        string address = listeningLine[Server.EnvServerHost.ListeningPrefix.Length..].Split(' ')[0];
        var bound = EnvEndpoint.Parse(address, "the listening line");
        Endpoint = bound.Host is "0.0.0.0" or "::" ? EnvEndpoint.Tcp("127.0.0.1", bound.Port) : bound;
        (Channel, Client) = TestServers.Connect(Endpoint);
    }

    public Process Process { get; }
    public string ListeningLine { get; }
    public EnvEndpoint Endpoint { get; }
    public GrpcChannel Channel { get; }
    public EnvService.EnvServiceClient Client { get; }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Starts the server with <paramref name="args"/> after <c>serve --port 0</c> and waits for its listening line.</summary>
    public static ServerChild Start(IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in new[] { TestServers.ServerDll, "serve", "--port", "0", "--threads", "1" }.Concat(args)) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = Process.Start(info)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        string? line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null).Result;
        if (line is null || !line.StartsWith(Server.EnvServerHost.ListeningPrefix, StringComparison.Ordinal))
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            process.WaitForExit();
            string err;
            lock (errors) err = errors.ToString();
            process.Dispose();
            Assert.Fail($"the server did not listen: stdout '{line}', stderr:\n{err}");
        }
        var child = new ServerChild(process, line!);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._stderr) child._stderr.AppendLine(e.Data); };
        lock (errors) child._stderr.Append(errors);
        return child;
    }

    /// <summary>The server is still running, answers Describe, and wrote nothing that glibc writes when it finds a corrupted heap.</summary>
    public void AssertAliveAndClean(string when)
    {
        if (Process.HasExited) Assert.Fail($"{when}: the server process died with exit code {Process.ExitCode}.\n{Stderr}");
        Assert.DoesNotThrow(() => Client.Describe(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(10)), $"{when}: the server still answers");
        AssertNoNativeFault(when);
    }

    public void AssertNoNativeFault(string when)
    {
        string stderr = Stderr;
        foreach (string sign in new[] { "free(", "malloc(", "corrupted", "double free", "Segmentation", "Unhandled exception" })
            Assert.That(stderr, Does.Not.Contain(sign), $"{when}: the server's stderr shows a native fault or crash:\n{stderr}");
    }

    public void Dispose()
    {
        Channel.Dispose();
        try
        {
            if (!Process.HasExited) Process.Kill();
            Process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        Process.Dispose();
    }
}
