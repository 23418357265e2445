using System.CommandLine;
using RL.Envs.Remote;
using RL.Envs.Server;
using RL.Envs.Vector;

namespace RL.Cli.Commands;

/// <summary>
/// `rl bench`: commands that print figures (never timed assertions in tests). `rl bench env --workers W
/// --envs-per-worker K` measures env steps/s through gRPC next to the in-process figure for the same number of
/// threads, in the same run (<see cref="EnvWorkersBench"/>).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var envId = new Option<string?>("--env") { Description = "Env id (default: L2R when this build has it, else the fault env as a stand-in)." };
        var options = new Option<string[]>("--option") { Description = "Env option key=value (repeatable), e.g. --option difficulty=2." };
        var frameSkip = new Option<int>("--frame-skip") { Description = "Action repeat run in the env (0: the env options' value, or 1).", DefaultValueFactory = _ => 0 };
        var workers = new Option<int?>("--workers") { Description = "Env server processes, one sampler thread each; compared with as many in-process threads." };
        var envsPerWorker = new Option<int>("--envs-per-worker") { Description = "Envs per server (and per in-process thread), stepped as one batch.", DefaultValueFactory = _ => 16 };
        var seconds = new Option<double>("--seconds") { Description = "Length of each measurement.", DefaultValueFactory = _ => 3 };
        var repeats = new Option<int>("--repeats") { Description = "Measurements of each kind, interleaved; the medians are reported.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of stepping on each side before measuring (JIT tiering in the client and the servers).", DefaultValueFactory = _ => 3 };
        var workerOptions = new EnvWorkerOptions();

        var env = new Command("env", "Env steps/s: with --workers, through gRPC next to in-process with as many threads, plus request latency p50/p99.")
        {
            envId, options, frameSkip, workers, envsPerWorker, seconds, repeats, warmup,
        };
        workerOptions.AddTo(env, withServerCount: false);
        env.SetAction(async (parse, ct) =>
        {
            try
            {
                var settings = new EnvWorkersBench.Settings
                {
                    EnvId = parse.GetValue(envId) ?? EnvWorkersBench.DefaultEnv(),
                    EnvOptions = EnvWorkerOptions.ParseEnvOptions(parse.GetValue(options)),
                    FrameSkip = parse.GetValue(frameSkip),
                    Workers = parse.GetValue(workers) ?? 1,
                    EnvsPerWorker = parse.GetValue(envsPerWorker),
                    Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                    Repeats = parse.GetValue(repeats),
                    Warmup = TimeSpan.FromSeconds(parse.GetValue(warmup)),
                };
                settings.Validate();
                if (parse.GetValue(workers) is null)
                {
                    // Hook for the plain `rl bench env` (single env vs bare skeleton), which the lead's command replaces;
                    // until then it prints the in-process figure of the chosen env on one thread.
                    return EnvWorkersBench.RunInProcessOnly(settings, Console.Out, ct);
                }
                var poolOptions = workerOptions.Build(parse, settings.EnvId, settings.EnvOptions, settings.EnvsPerWorker, settings.FrameSkip, masterSeed: 1, localServers: settings.Workers);
                return await EnvWorkersBench.RunAsync(settings, poolOptions, Console.Out, ct);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"rl bench env: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (EnvFleetFailedException e)
            {
                Console.Error.WriteLine($"rl bench env: environment failure: {e.Message}");
                return ExitCodes.EnvFailure;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("rl bench env: interrupted.");
                return ExitCodes.Interrupted;
            }
        });

        return new Command("bench", "Benchmarks that print figures.") { env };
    }
}
