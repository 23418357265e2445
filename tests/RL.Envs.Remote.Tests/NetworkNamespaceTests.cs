using System.Diagnostics;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// Servers on other addresses, reached over a network: each server runs in its own Linux network namespace joined
/// to this one by a veth pair, binds its namespace address (off loopback, so it needs the token) and is reached by a
/// pool in the root namespace. Skipped, with the reason, where namespaces cannot be made (not root, no ip(8)).
/// </summary>
[NonParallelizable]
public class NetworkNamespaceTests
{
    private readonly List<string> _namespaces = new();
    private readonly List<Process> _servers = new();
    private string _tokenFile = "";

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    private static void Ip(params string[] args)
    {
        var (code, output) = Run("ip", args);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {output.Trim()}");
    }

    /// <summary>Makes namespace <paramref name="name"/> with address 10.213.<paramref name="net"/>.2/30 (host side .1).</summary>
    private string MakeNamespace(string name, int net)
    {
        Ip("netns", "add", name);
        _namespaces.Add(name);
        string host = $"{name}h", inside = $"{name}n";
        Ip("link", "add", host, "type", "veth", "peer", "name", inside);
        Ip("link", "set", inside, "netns", name);
        Ip("addr", "add", $"10.213.{net}.1/30", "dev", host);
        Ip("link", "set", host, "up");
        Ip("netns", "exec", name, "ip", "addr", "add", $"10.213.{net}.2/30", "dev", inside);
        Ip("netns", "exec", name, "ip", "link", "set", inside, "up");
        Ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
        return $"10.213.{net}.2";
    }

    private int StartServer(string ns, string address)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "netns", "exec", ns, "dotnet", TestServers.ServerDll, "serve", "--host", address, "--port", "50051", "--token-file", _tokenFile, "--threads", "1", "--allow-test-envs" })
            info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        _servers.Add(p);
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        string? line = p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        Assert.That(line, Does.StartWith("rl-env-server listening on"), $"server in {ns}");
        return p.Id;
    }

    [SetUp]
    public void RequireNamespaces()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("network namespaces are Linux only.");
        if (Environment.UserName != "root") Assert.Ignore("creating network namespaces and veth pairs needs root; this test runs as " + Environment.UserName + ".");
        var (code, output) = Run("ip", "netns", "list");
        if (code != 0) Assert.Ignore($"ip(8) cannot list network namespaces here: {output.Trim()}");
        _tokenFile = Path.GetTempFileName();
        File.WriteAllText(_tokenFile, "netns-token");
    }

    [TearDown]
    public void CleanUp()
    {
        foreach (var p in _servers)
        {
            try { if (!p.HasExited) p.Kill(); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        // Deleting a namespace deletes the veth end inside it, which deletes its peer in the root namespace.
        foreach (string ns in _namespaces) Run("ip", "netns", "del", ns);
        if (File.Exists(_tokenFile)) File.Delete(_tokenFile);
    }

    [Test]
    public void APoolReachesServersInOtherNetworkNamespaces()
    {
        // Unique names and subnets per test process: other runs may share this machine.
        int id = Environment.ProcessId % 100_000;
        string a, b;
        try
        {
            a = MakeNamespace($"rla{id}", 2 * (id % 120));
            b = MakeNamespace($"rlb{id}", 2 * (id % 120) + 1);
        }
        catch (InvalidOperationException e)
        {
            Assert.Ignore($"cannot make network namespaces here: {e.Message}");
            return;
        }
        StartServer($"rla{id}", a);
        StartServer($"rlb{id}", b);

        var options = TestServers.RemoteOptions("Fault", new[] { EnvEndpoint.Parse($"{a}:50051"), EnvEndpoint.Parse($"{b}:50051") }, 4,
            TestServers.Options(("obs_size", "6"), ("action_size", "2"), ("max_steps", "25"))) with
        {
            Token = "netns-token",
            Restarts = new RestartPolicy { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(500) },
        };
        var noToken = Assert.Throws<EnvFleetFailedException>(() => EnvWorkerPool.Start(options with { Token = null }));
        Assert.That(noToken!.Message, Does.Contain("Unauthenticated"), "off loopback the servers require the token");

        using var pool = EnvWorkerPool.Start(options);
        var all = pool.CreateVectorEnv();
        var obs = new float[8 * 6];
        all.Reset(Enumerable.Range(0, 8).Select(i => (long)i).ToArray(), obs);
        var result = new VectorStepResult(8, 6);
        int episodes = 0;
        for (int t = 0; t < 60; t++)
        {
            all.Step(new float[16], result);
            episodes += result.Episodes.Count;
        }
        Assert.That(episodes, Is.EqualTo(16), "8 envs × 2 episodes of 25 steps, across both namespaces");
        Assert.That(pool.ServerEndpoints.Select(e => e!.Host), Is.EquivalentTo(new[] { a, b }));
        Assert.That(result.Dropped, Is.All.False);
    }
}
