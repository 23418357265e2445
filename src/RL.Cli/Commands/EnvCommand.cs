using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RL.Envs;
using RL.Envs.LearningToRun;
using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Validation;

namespace RL.Cli.Commands;

/// <summary>`rl env reset|check|rollout|compare`: look at the Learning-to-Run env directly, in-process.</summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var command = new Command("env", "Inspect the Learning-to-Run environment in-process: reset, check, rollout, compare with OpenSim.");
        command.Subcommands.Add(Reset());
        command.Subcommands.Add(Check());
        command.Subcommands.Add(Rollout());
        command.Subcommands.Add(Compare());
        return command;
    }

    private static Option<long> SeedOption() => new("--seed") { Description = "Course seed (numpy legacy RandomState, 0 … 2^32−1).", DefaultValueFactory = _ => 0 };
    private static Option<int> DifficultyOption() => new("--difficulty") { Description = "0: no obstacles; 1: obstacles; 2: obstacles and weakened psoas (graded).", DefaultValueFactory = _ => 2 };
    private static Option<int> MaxObstaclesOption() => new("--max-obstacles") { Description = "Obstacle slots (3 in round 1, 10 in round 2; at most 20).", DefaultValueFactory = _ => 3 };
    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of text." };

    private static LearningToRunEnv MakeEnv(int difficulty, int maxObstacles) =>
        LearningToRunEnv.Create(new EnvOptions(new Dictionary<string, string>
        {
            ["difficulty"] = difficulty.ToString(CultureInfo.InvariantCulture),
            ["max_obstacles"] = maxObstacles.ToString(CultureInfo.InvariantCulture),
        }, "command line"));

    private static Command Reset()
    {
        var seed = SeedOption();
        var difficulty = DifficultyOption();
        var maxObstacles = MaxObstaclesOption();
        var json = JsonOption();
        var command = new Command("reset", "Reset with a seed; print the first observation and the generated course (obstacles and muscle strengths).")
        {
            seed, difficulty, maxObstacles, json,
        };
        command.SetAction(r => Cli.Run(() =>
        {
            using var env = MakeEnv(r.GetValue(difficulty), r.GetValue(maxObstacles));
            var obs = new float[LearningToRunSpec.ObservationSize];
            env.Reset(r.GetValue(seed), obs);
            if (r.GetValue(json))
            {
                using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteNumber("seed", r.GetValue(seed));
                writer.WriteNumber("difficulty", r.GetValue(difficulty));
                writer.WriteNumber("max_obstacles", r.GetValue(maxObstacles));
                writer.WriteStartObject("observation");
                for (int i = 0; i < obs.Length; i++) writer.WriteNumber(LearningToRunSpec.ObservationNames[i], env.ObservationDouble[i]);
                writer.WriteEndObject();
                writer.WriteStartArray("obstacles");
                foreach (var o in env.Course.Obstacles)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("x", o.X);
                    writer.WriteNumber("y", o.Y);
                    writer.WriteNumber("r", o.R);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteStartObject("strength");
                for (int i = 0; i < 18; i++) writer.WriteNumber(LearningToRunSpec.ActionNames[i], env.Course.Strength[i]);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.Flush();
                Console.WriteLine();
            }
            else
            {
                Console.WriteLine($"seed {r.GetValue(seed)}, difficulty {r.GetValue(difficulty)}, max_obstacles {r.GetValue(maxObstacles)}");
                for (int i = 0; i < obs.Length; i++) Console.WriteLine($"  {LearningToRunSpec.ObservationNames[i],-18} {env.ObservationDouble[i].ToString("G10", CultureInfo.InvariantCulture)}");
                Console.WriteLine("obstacles (x, y, r):");
                foreach (var o in env.Course.Obstacles) Console.WriteLine(FormattableString.Invariant($"  {o.X:F6} {o.Y:F6} {o.R:F6}"));
                Console.WriteLine("strength: " + string.Join(" ", env.Course.Strength.Select((v, i) => FormattableString.Invariant($"{LearningToRunSpec.ActionNames[i]}={v:G6}"))));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Check()
    {
        var id = new Option<string>("--env") { Description = "Env id.", DefaultValueFactory = _ => LearningToRunSpec.Id };
        var seed = SeedOption();
        var steps = new Option<int>("--steps") { Description = "Random-action steps per rollout.", DefaultValueFactory = _ => 300 };
        var allowTestEnvs = new Option<bool>("--allow-test-envs") { Description = "Also know the fault-injection env 'Fault' (as `rl serve --allow-test-envs`)." };
        var command = new Command("check", "Run the env checker: sizes, bounds, finiteness, seed determinism, bad actions, step after the end.") { id, seed, steps, allowTestEnvs };
        command.SetAction(r => Cli.Run(() =>
        {
            // The same envs a server offers: the fault-injection env only when asked for (issue 10, part 5).
            var registry = RL.Envs.Server.EnvCatalog.Create(allowTestEnvs: r.GetValue(allowTestEnvs));
            string envId = r.GetValue(id)!;
            var results = EnvChecker.Check(() => registry.Create(envId, null, "rl env check"), r.GetValue(seed), r.GetValue(steps));
            foreach (var result in results) Console.WriteLine($"{(result.Passed ? "OK  " : "FAIL")}  {result.Check,-24} {result.Detail}");
            return results.All(x => x.Passed) ? 0 : 1;
        }));
        return command;
    }

    private static Command Rollout()
    {
        var seed = SeedOption();
        var difficulty = DifficultyOption();
        var maxObstacles = MaxObstaclesOption();
        var actions = new Option<FileInfo>("--actions")
        {
            Description = "JSON file: an array of 18-value arrays, one per step; values outside [0, 1] are clipped (with a warning).",
            Required = true,
        };
        var json = JsonOption();
        var command = new Command("rollout", "Replay an action sequence; print per step the observation, reward, terminated/truncated, muscle states and ligament forces.")
        {
            seed, difficulty, maxObstacles, actions, json,
        };
        command.SetAction(r => Cli.Run(() =>
        {
            var sequence = ActionFile.Read(r.GetValue(actions)!, LearningToRunSpec.ActionNames);
            using var env = MakeEnv(r.GetValue(difficulty), r.GetValue(maxObstacles));
            var obs = new float[LearningToRunSpec.ObservationSize];
            env.Reset(r.GetValue(seed), obs);
            bool asJson = r.GetValue(json);
            var clipping = new ActionClipping(env.Spec.ActionSpace, LearningToRunSpec.ActionNames);
            using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = false });
            if (asJson) writer.WriteStartArray();
            var muscles = env.Simulator.Muscles;
            for (int t = 0; t < sequence.Count; t++)
            {
                var outcome = env.Step(sequence[t], obs);
                clipping.Record(t + 1, sequence[t], outcome.ClippedActions);
                var tendonForce = Enumerable.Range(0, LearningToRunSpec.ActionSize).Select(muscles.TendonForce).ToArray();
                if (asJson)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("step", t + 1);
                    WriteArray(writer, "observation", env.ObservationDouble);
                    writer.WriteNumber("reward", outcome.Reward);
                    writer.WriteBoolean("terminated", outcome.Terminated);
                    writer.WriteBoolean("truncated", outcome.Truncated);
                    writer.WriteString("end_reason", outcome.Reason.Name());
                    writer.WriteNumber("clipped_actions", outcome.ClippedActions);
                    WriteArray(writer, "fiber_length", muscles.FiberLength);
                    WriteArray(writer, "activation", muscles.Activation);
                    WriteArray(writer, "tendon_force", tendonForce);
                    WriteArray(writer, "ligament_force", env.Simulator.Ligaments.Force);
                    writer.WriteEndObject();
                    writer.Flush();
                    Console.Out.Write('\n');
                }
                else
                {
                    // Everything the help text promises, as the JSON output has it (issue 11: the text printed only the
                    // pelvis, the reward and tendon forces).
                    Console.WriteLine(FormattableString.Invariant(
                        $"step {t + 1,4} of {sequence.Count}: reward {outcome.Reward:F6} terminated={outcome.Terminated} truncated={outcome.Truncated} clipped_actions={outcome.ClippedActions}"));
                    Console.WriteLine("  observation:     " + Named(LearningToRunSpec.ObservationNames, env.ObservationDouble, "G6"));
                    Console.WriteLine("  activation:      " + Named(LearningToRunSpec.ActionNames, muscles.Activation, "F4"));
                    Console.WriteLine("  fiber length m:  " + Named(LearningToRunSpec.ActionNames, muscles.FiberLength, "F4"));
                    Console.WriteLine("  tendon force N:  " + Named(LearningToRunSpec.ActionNames, tendonForce, "F0"));
                    Console.WriteLine("  ligament N·m:    " + Named(LigamentNames, env.Simulator.Ligaments.Force, "G6"));
                }
                if (outcome.Done)
                {
                    if (!asJson) Console.WriteLine($"episode ended after {t + 1} steps: {outcome.Reason.Name()}");
                    break;
                }
            }
            if (asJson)
            {
                writer.WriteEndArray();
                writer.Flush();
                Console.WriteLine();
            }
            if (clipping.Warning() is string warning) Console.Error.WriteLine($"rl env rollout: warning: {warning}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static readonly string[] LigamentNames = Gait9dof18musc.Ligaments.Select(l => l.Name).ToArray();

    private static string Named(IReadOnlyList<string> names, ReadOnlySpan<double> values, string format)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++) parts[i] = $"{names[i]}={values[i].ToString(format, CultureInfo.InvariantCulture)}";
        return string.Join(" ", parts);
    }

    private static Command Compare()
    {
        var file = new Argument<FileInfo>("reference") { Description = "An OpenSim reference trajectory (format of shared/data/osim-reference)." };
        var window = new Option<int>("--window") { Description = "Steps over which deviations are measured.", DefaultValueFactory = _ => 50 };
        var steps = new Option<FileInfo>("--steps")
        {
            Description = "Also write every step's deviation of every muscle (activation, fibre length, step-mean fibre velocity, tendon force) to this CSV file.",
        };
        var command = new Command("compare", "Replay an OpenSim (osim-rl) reference trajectory's actions and report how far this env is from it, muscle by muscle.")
        {
            file, window, steps,
        };
        command.SetAction(r => Cli.Run(() =>
        {
            int windowSteps = r.GetValue(window);
            if (windowSteps < 1) throw new ArgumentException($"--window {windowSteps}: must be at least 1 step.");
            var reference = ReferenceTrajectory.Load(r.GetValue(file)!.FullName);
            var report = ReferenceComparison.Compare(reference, windowSteps);
            Console.WriteLine($"{reference.Source} ({reference.Description}):");
            Console.WriteLine("  " + report.Describe());
            Console.WriteLine();
            Console.WriteLine($"Per muscle, worst |ours - OpenSim| over the first {report.ComparedSteps} steps (at step), and the first step where a quantity left its tolerance");
            Console.WriteLine(FormattableString.Invariant(
                $"(activation {ReferenceComparison.ActivationTolerance:G}, fibre length {ReferenceComparison.FiberLengthTolerance * 1000:G} mm, fibre velocity {ReferenceComparison.FiberVelocityTolerance:G} m/s, tendon force {ReferenceComparison.TendonForceTolerance:G} N):"));
            Console.WriteLine($"  {"muscle",-12} {"activation",16} {"fibre length mm",17} {"fibre vel. m/s",16} {"tendon force N",16}  first diverging");
            foreach (var m in report.Muscles)
                Console.WriteLine(FormattableString.Invariant(
                    $"  {m.Name,-12} {m.Activation.Value,10:E1} ({m.Activation.Step,3}) {m.FiberLength.Value * 1000,11:F3} ({m.FiberLength.Step,3}) {m.FiberVelocity.Value,10:F3} ({m.FiberVelocity.Step,3}) {m.TendonForce.Value,10:F1} ({m.TendonForce.Step,3})  {(m.FirstDivergingStep is int at ? $"step {at}: {m.FirstDivergingQuantity}" : "-")}"));
            if (r.GetValue(steps) is FileInfo csv)
            {
                using var writer = new StreamWriter(csv.FullName);
                writer.WriteLine("step,muscle,activation,fiber_length_m,fiber_velocity_m_per_s,tendon_force_n");
                foreach (var d in report.MuscleSteps)
                    writer.WriteLine(FormattableString.Invariant(
                        $"{d.Step},{report.Muscles[d.Muscle].Name},{d.Activation:G9},{d.FiberLength:G9},{d.FiberVelocity:G9},{d.TendonForce:G9}"));
                Console.WriteLine($"per-step deviations: {csv.FullName} ({report.MuscleSteps.Count} rows)");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, ReadOnlySpan<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
