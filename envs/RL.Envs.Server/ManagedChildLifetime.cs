using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace RL.Envs.Server;

/// <summary>
/// The lifetime of a server started by a worker pool. The parent holds the write end of our stdin: when it closes
/// (the parent exited, crashed or was SIGKILLed), we stop, and if a stuck env step keeps the graceful stop from
/// finishing, we kill ourselves after a short grace, so no orphan server outlives its trainer. SIGINT and SIGTERM
/// are ignored: a Ctrl-C reaches the whole process group, and so does the SIGTERM of systemd, Slurm or
/// <c>timeout</c>. Stopping on it killed the servers under a trainer that was still writing its final checkpoint
/// (issue 10, part 2); the parent decides when its servers go, by closing our stdin (or SIGKILL).
/// </summary>
internal sealed class ManagedChildLifetime : IHostLifetime, IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private readonly IHostApplicationLifetime _lifetime;
    private readonly List<PosixSignalRegistration> _signals = new();

    public ManagedChildLifetime(IHostApplicationLifetime lifetime) => _lifetime = lifetime;

    /// <summary>Ignores SIGINT and SIGTERM until disposed.</summary>
    public static IDisposable IgnoreGroupSignals() => new Registrations(
        PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true));

    private sealed class Registrations(params PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true));
        var watcher = new Thread(WatchStdin) { IsBackground = true, Name = "parent watcher" };
        watcher.Start();
        return Task.CompletedTask;
    }

    private void WatchStdin()
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
        }
        catch (IOException) { }
        StopSoon("stdin closed: the parent exited or let go");
    }

    private void StopSoon(string why)
    {
        Console.Error.WriteLine($"rl-env-server (pid {Environment.ProcessId}): stopping ({why}).");
        _lifetime.StopApplication();
        var killer = new Thread(() =>
        {
            Thread.Sleep(Grace);
            Process.GetCurrentProcess().Kill();
        }) { IsBackground = true };
        killer.Start();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var s in _signals) s.Dispose();
    }
}
