using RL.Testing;
using System.Diagnostics;

namespace RL.Envs.Remote.Tests;

/// <summary>
/// R17: Ctrl-C, SIGTERM or even SIGKILL of a trainer leaves no env server behind. The trainer is the test driver
/// (a pool of 2 local servers, stepping), started in its own session so a Ctrl-C can go to its whole process group
/// as a terminal would send it.
/// </summary>
public class ShutdownTests
{
    private static string DriverDll => Path.Combine(AppContext.BaseDirectory, "RL.Envs.Remote.TestDriver.dll");

    private sealed record Driver(Process Process, int[] Servers) : IDisposable
    {
        public void Dispose()
        {
            foreach (int pid in Servers.Append(Process.Id))
                if (TestServers.ProcessAlive(pid)) Signals.Send(pid, Signals.SIGKILL);
            Process.Dispose();
        }
    }

    private static Driver Start(bool handleSignals)
    {
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in new[] { "dotnet", DriverDll, TestServers.ServerDll }) info.ArgumentList.Add(a);
        if (handleSignals) info.ArgumentList.Add("--handle-signals");
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        Assert.That(line, Does.StartWith("servers "), "the driver reports its servers");
        var servers = line!["servers ".Length..].Split(' ').Select(int.Parse).ToArray();
        Assert.That(servers, Has.Length.EqualTo(2));
        Assert.That(servers.All(TestServers.ProcessAlive), Is.True);
        Thread.Sleep(300); // let it step
        return new Driver(process, servers);
    }

    private static void AssertNoOrphans(Driver driver, string how)
    {
        Assert.That(TestServers.WaitUntil(() => driver.Servers.All(p => !TestServers.ProcessAlive(p)), TimeSpan.FromSeconds(10)), Is.True,
            $"{how}: env servers gone within 10 s (R17)");
        Assert.That(TestServers.WaitUntil(() => ProcessGroups.Members(driver.Process.Id).Length == 0, TimeSpan.FromSeconds(10)), Is.True,
            $"{how}: nothing left in the trainer's process group");
    }

    [Test]
    public void CtrlCToTheProcessGroupStopsTheTrainerAndItsServers()
    {
        using var driver = Start(handleSignals: true);
        Signals.Send(-driver.Process.Id, Signals.SIGINT); // what a terminal does on Ctrl-C
        Assert.That(driver.Process.WaitForExit(15_000), Is.True, "the trainer stops");
        Assert.That(driver.Process.ExitCode, Is.EqualTo(130));
        AssertNoOrphans(driver, "Ctrl-C");
    }

    [Test]
    public void SigtermStopsTheServersEvenWhenTheTrainerHandlesNoSignals()
    {
        using var driver = Start(handleSignals: false);
        Signals.Send(driver.Process.Id, Signals.SIGTERM);
        Assert.That(driver.Process.WaitForExit(15_000), Is.True);
        AssertNoOrphans(driver, "SIGTERM");
    }

    [Test]
    public void SigkillOfTheTrainerLeavesNoOrphanServer()
    {
        using var driver = Start(handleSignals: false);
        Signals.Send(driver.Process.Id, Signals.SIGKILL);
        Assert.That(driver.Process.WaitForExit(5_000), Is.True);
        AssertNoOrphans(driver, "SIGKILL");
    }

    [Test]
    public void CtrlCWithoutAHandlerStillLeavesNoOrphanServer()
    {
        using var driver = Start(handleSignals: false);
        Signals.Send(-driver.Process.Id, Signals.SIGINT);
        Assert.That(driver.Process.WaitForExit(15_000), Is.True);
        AssertNoOrphans(driver, "Ctrl-C, no handler");
    }
}
