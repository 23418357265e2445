using System.Runtime.InteropServices;
using RL.Envs.Remote;
using RL.Envs.Vector;

namespace RL.Envs.Remote.TestDriver;

/// <summary>
/// <c>RL.Envs.Remote.TestDriver SERVER_DLL [--handle-signals]</c>: starts 2 local env servers, prints
/// "servers PID PID", then steps until killed. With --handle-signals it stops on SIGINT/SIGTERM the way a trainer
/// does (dispose the pool, exit 130/143); without, it relies on the pool's own exit hooks.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string serverDll = args[0];
        bool handle = args.Contains("--handle-signals");
        using var stop = new CancellationTokenSource();
        int exitCode = 0;
        var registrations = new List<PosixSignalRegistration>();
        if (handle)
        {
            registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; exitCode = 130; stop.Cancel(); }));
            registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; exitCode = 143; stop.Cancel(); }));
        }
        var pool = EnvWorkerPool.Start(new RemoteEnvOptions
        {
            EnvId = "Fault",
            EnvOptions = new Dictionary<string, string> { ["obs_size"] = "8", ["action_size"] = "2", ["delay_ms"] = "1" },
            EnvsPerServer = 2,
            LocalServers = 2,
            ServerCommand = ServerCommand.Assembly(serverDll).With("--allow-test-envs"),
            ForwardServerStderr = false,
        });
        Console.WriteLine($"servers {string.Join(' ', pool.ServerProcessIds)}");
        Console.Out.Flush();
        var env = pool.CreateVectorEnv();
        var obs = new float[env.NumEnvs * env.Spec.ObservationSize];
        env.Reset(ReadOnlySpan<long>.Empty, obs);
        var result = new VectorStepResult(env.NumEnvs, env.Spec.ObservationSize);
        var actions = new float[env.NumEnvs * env.Spec.ActionSize];
        while (!stop.IsCancellationRequested) env.Step(actions, result);
        pool.Dispose();
        Console.WriteLine("stopped");
        return exitCode;
    }
}
