using System.Diagnostics;
using RL.Envs;
using RL.Envs.LearningToRun;
using RL.Envs.LearningToRun.Contact;
using RL.Envs.LearningToRun.Simulation;
using RL.Envs.Random;

namespace RL.Cli.Benchmarks;

/// <summary>The timed loops of `rl bench env`: the faithful L2R env and the bare skeleton under the same random excitations, and any catalogue env under random actions.</summary>
public static class EnvStepBenchmark
{
    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int m = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    public static double FaithfulStepsPerSecond(LearningToRunOptions options, int steps, long seed)
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

    /// <summary>Any env: uniform random actions within its action space, reset when an episode ends; 2000 warm-up steps.</summary>
    public static double StepsPerSecond(Func<IEnv> create, int steps, long seed)
    {
        using var env = create();
        var obs = new float[env.Spec.ObservationSize];
        var action = new float[env.Spec.ActionSize];
        var low = env.Spec.ActionSpace.Low;
        var high = env.Spec.ActionSpace.High;
        var rng = new Xoshiro256((ulong)seed);
        env.Reset(seed, obs);
        void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                for (int a = 0; a < action.Length; a++) action[a] = (float)rng.Uniform(low[a], high[a]);
                if (env.Step(action, obs).Done) env.Reset(null, obs);
            }
        }
        Run(Math.Min(2000, steps));
        var watch = Stopwatch.StartNew();
        Run(steps);
        return steps / watch.Elapsed.TotalSeconds;
    }

    public static unsafe double BareStepsPerSecond(LearningToRunOptions options, int steps, long seed)
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
