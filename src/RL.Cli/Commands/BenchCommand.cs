using System.CommandLine;
using RL.Cli.Benchmarks;
using RL.Core.Devices;
using RL.Envs;
using RL.Envs.LearningToRun;
using TorchSharp;

namespace RL.Cli.Commands;

/// <summary>`rl bench env` and `rl bench agent`: env steps/s and learner updates/s, printed as figures (never asserted in tests).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print figures (never asserted in tests): env stepping speed and learner speed.");
        command.Subcommands.Add(Env());
        command.Subcommands.Add(Agent());
        return command;
    }

    private static Command Env()
    {
        var steps = new Option<int>("--steps") { Description = "Measured env steps per run.", DefaultValueFactory = _ => 20_000 };
        var runs = new Option<int>("--runs") { Description = "Runs; the median is reported.", DefaultValueFactory = _ => 5 };
        var difficulty = new Option<int>("--difficulty") { Description = "Env difficulty.", DefaultValueFactory = _ => 2 };
        var seed = new Option<long>("--seed") { Description = "Seed of the course and of the random actions.", DefaultValueFactory = _ => 1 };
        var command = new Command("env",
            "Env steps/s of one Learning-to-Run env on one thread (random excitations, reset on fall), and of the bare skeleton " +
            "(rigid-body dynamics and the knee coupling only: no muscles, contact or ligaments) in the same run, so the models' cost is a ratio. " +
            "With --env ID (not L2R): env steps/s of one env of that id on one thread (random actions, reset when an episode ends). " +
            "With --workers W: env steps/s through W local env servers (their step socket, or gRPC with --local-transport grpc) next to W in-process threads, and request latency p50/p99.")
        {
            steps, runs, difficulty, seed,
        };
        var workers = new EnvWorkersBench.CommandOptions(command);
        command.SetAction(r => workers.Requested(r) ? workers.Run(r) : Cli.Run(() =>
        {
            int n = r.GetValue(steps), k = r.GetValue(runs);
            if (n < 1 || k < 1) throw new CliException("--steps and --runs must be positive.");
            if (workers.EnvId(r) is string id && id != LearningToRunSpec.Id) return CatalogEnv(id, n, k, r.GetValue(seed));
            var options = new LearningToRunOptions { Difficulty = r.GetValue(difficulty) };
            Console.WriteLine($"Learning to Run, faithful physics, substep {options.Substep * 1000} ms, difficulty {options.Difficulty}; {n} steps per run, {k} runs, one thread");
            Console.WriteLine($"{"run",3} {"faithful steps/s",17} {"bare skeleton steps/s",22} {"ratio",6}");
            var full = new List<double>();
            var bare = new List<double>();
            for (int i = 0; i < k; i++)
            {
                double f = EnvStepBenchmark.FaithfulStepsPerSecond(options, n, r.GetValue(seed) + i);
                double b = EnvStepBenchmark.BareStepsPerSecond(options, n, r.GetValue(seed) + i);
                full.Add(f);
                bare.Add(b);
                Console.WriteLine(FormattableString.Invariant($"{i + 1,3} {f,17:F0} {b,22:F0} {f / b,6:F3}"));
            }
            double mf = EnvStepBenchmark.Median(full), mb = EnvStepBenchmark.Median(bare);
            Console.WriteLine(FormattableString.Invariant($"median: faithful {mf:F0} env steps/s ({1e6 / mf:F1} µs/step), bare skeleton {mb:F0} env steps/s; faithful/bare = {mf / mb:F3}"));
            Console.WriteLine(FormattableString.Invariant($"osim-rl 2017 ran about 30 env steps/s per core: {mf / 30:F0}× faster"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>One env of any catalogue id on one thread, random actions, reset when an episode ends: env steps/s per run and the median.</summary>
    private static int CatalogEnv(string id, int steps, int runs, long seed)
    {
        var registry = RL.Envs.Server.EnvCatalog.Create();
        IEnv Create()
        {
            try
            {
                return registry.Create(id, null, "rl bench env");
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
        }
        using (var probe = Create())
            Console.WriteLine($"{id}: {probe.Spec.Simulator}; {steps} steps per run, {runs} runs, one thread, uniform random actions, reset when an episode ends");
        Console.WriteLine($"{"run",3} {"env steps/s",12} {"µs/step",8}");
        var rates = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            double rate = EnvStepBenchmark.StepsPerSecond(Create, steps, seed + i);
            rates.Add(rate);
            Console.WriteLine(FormattableString.Invariant($"{i + 1,3} {rate,12:F0} {1e6 / rate,8:F1}"));
        }
        double median = EnvStepBenchmark.Median(rates);
        Console.WriteLine(FormattableString.Invariant($"median: {median:F0} env steps/s ({1e6 / median:F1} µs/step)"));
        return ExitCodes.Ok;
    }

    private static Command Agent()
    {
        var batch = new Option<int>("--batch") { Description = "Transitions per batch before mirroring.", DefaultValueFactory = _ => 256 };
        var updates = new Option<int>("--updates") { Description = "Updates per timed pass.", DefaultValueFactory = _ => 1000 };
        var passes = new Option<int>("--passes") { Description = "Timed passes of each loop, interleaved.", DefaultValueFactory = _ => 7 };
        var threads = new Option<int>("--threads") { Description = "TorchSharp intra-op threads.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "cpu" };
        var agent = new Command("agent", "DDPG updates/s at the 2017 network sizes next to a bare TorchSharp loop doing the same arithmetic.")
        {
            batch, updates, passes, threads, device,
        };
        // Cli.Run: a --device this build lacks is one line and exit code 2 (issue 11), as in rl train and rl eval.
        agent.SetAction(p => Cli.Run(() =>
        {
            var on = TorchDevices.Resolve(p.GetValue(device)!);
            torch.set_num_threads(p.GetValue(threads));
            AgentBenchmark.Run(p.GetValue(batch), p.GetValue(updates), p.GetValue(passes), on, Console.Out);
            return ExitCodes.Ok;
        }));
        return agent;
    }
}
