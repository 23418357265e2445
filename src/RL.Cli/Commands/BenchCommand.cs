using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RL.Envs.LearningToRun;
using RL.Envs.LearningToRun.Contact;
using RL.Envs.LearningToRun.Simulation;
using RL.Envs.Random;

namespace RL.Cli.Commands;

/// <summary>`rl bench env`: env steps per second, printed as figures (never asserted in tests).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print figures: env stepping speed.");
        command.Subcommands.Add(Env());
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
            "(MuJoCo and the knee coupling only: no muscles, contact or ligaments) in the same run, so the models' cost is a ratio. " +
            "With --workers W: env steps/s through gRPC (W local env servers) next to W in-process threads, and request latency p50/p99.")
        {
            steps, runs, difficulty, seed,
        };
        var workers = new EnvWorkersBench.CommandOptions(command);
        command.SetAction(r => workers.Requested(r) ? workers.Run(r) : Cli.Run(() =>
        {
            int n = r.GetValue(steps), k = r.GetValue(runs);
            if (n < 1 || k < 1) throw new CliException("--steps and --runs must be positive.");
            var options = new LearningToRunOptions { Difficulty = r.GetValue(difficulty) };
            Console.WriteLine($"Learning to Run, faithful physics, substep {options.Substep * 1000} ms, difficulty {options.Difficulty}; {n} steps per run, {k} runs, one thread");
            Console.WriteLine($"{"run",3} {"faithful steps/s",17} {"bare skeleton steps/s",22} {"ratio",6}");
            var full = new List<double>();
            var bare = new List<double>();
            for (int i = 0; i < k; i++)
            {
                double f = FaithfulStepsPerSecond(options, n, r.GetValue(seed) + i);
                double b = BareStepsPerSecond(options, n, r.GetValue(seed) + i);
                full.Add(f);
                bare.Add(b);
                Console.WriteLine(FormattableString.Invariant($"{i + 1,3} {f,17:F0} {b,22:F0} {f / b,6:F3}"));
            }
            double mf = Median(full), mb = Median(bare);
            Console.WriteLine(FormattableString.Invariant($"median: faithful {mf:F0} env steps/s ({1e6 / mf:F1} µs/step), bare skeleton {mb:F0} env steps/s; faithful/bare = {mf / mb:F3}"));
            Console.WriteLine(FormattableString.Invariant($"osim-rl 2017 ran about 30 env steps/s per core: {mf / 30:F0}× faster"));
            return 0;
        }));
        return command;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int m = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    private static double FaithfulStepsPerSecond(LearningToRunOptions options, int steps, long seed)
    {
        using var env = new LearningToRunEnv(options);
        var obs = new float[LearningToRunSpec.ObservationSize];
        var action = new float[LearningToRunSpec.ActionSize];
        var rng = new Xoshiro256((ulong)seed);
        env.Reset(seed, obs);
        void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                for (int a = 0; a < action.Length; a++) action[a] = (float)rng.NextDouble();
                if (env.Step(action, obs).Done) env.Reset(null, obs);
            }
        }
        Run(Math.Min(2000, steps));
        var watch = Stopwatch.StartNew();
        Run(steps);
        return steps / watch.Elapsed.TotalSeconds;
    }

    private static unsafe double BareStepsPerSecond(LearningToRunOptions options, int steps, long seed)
    {
        using var sim = new FaithfulSimulator(options.Substep, withMuscles: false, withContact: false, withLigaments: false);
        var strength = Enumerable.Repeat(1.0, 18).ToArray();
        var excitation = new double[18];
        var rng = new Xoshiro256((ulong)seed);
        sim.Reset(strength, Array.Empty<ObstacleBody>());
        int substeps = options.SubstepsPerStep;
        void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                for (int a = 0; a < excitation.Length; a++) excitation[a] = rng.NextDouble();
                var fault = sim.Step(excitation, substeps);
                if (fault != SimulationFault.None || sim.Skeleton.Qpos[Skeleton.PelvisTy] < LearningToRunOptions.FallHeight)
                    sim.Reset(strength, Array.Empty<ObstacleBody>());
            }
        }
        Run(Math.Min(2000, steps));
        var watch = Stopwatch.StartNew();
        Run(steps);
        return steps / watch.Elapsed.TotalSeconds;
    }
}
