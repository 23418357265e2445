using System.CommandLine;
using System.Globalization;
using RL.Algorithms;
using RL.Algorithms.Training;
using RL.Cli.Environments;
using RL.Core.Checkpoints;
using RL.Core.Config;
using RL.Core.Environments;
using RL.Core.Logging;
using RL.Envs;
using RL.Envs.Vector;

namespace RL.Cli.Commands;

/// <summary>
/// `rl eval runs/name`: runs the run's deterministic policy (best checkpoint by default) for N episodes on
/// held-out seeds at a chosen difficulty and obstacle count, prints every episode, the mean, SD, fall rate and the
/// mean over completed (non-fall) runs, and writes the episodes to eval/&lt;checkpoint&gt;-&lt;UTC time&gt;.csv in the run.
/// Its first line names the checkpoint and why it was chosen (<see cref="EvalCheckpointChoice"/>, issue 11).
/// It works while the run is being trained: the checkpoint is read into memory and verified there, and the
/// results go to a file of their own that no trainer rewrites (issue 10, part 4).
/// </summary>
public static class EvalCommand
{

    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "Run directory (runs/<name>)." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to run.", DefaultValueFactory = _ => 10 };
        var seed = new Option<long>("--seed") { Description = "Seed of the first episode; episode k uses seed + k.", DefaultValueFactory = _ => 2_000_000 };
        var difficulty = new Option<int?>("--difficulty") { Description = "L2R difficulty (0, 1, 2); default: the run's evaluation setting." };
        var obstacles = new Option<int?>("--obstacles") { Description = "L2R max_obstacles; default: the run's evaluation setting." };
        var options = new Option<string[]>("--option") { Description = "Any other env option, key=value (repeatable)." };
        var checkpoint = new Option<string>("--checkpoint") { Description = "best, latest or a checkpoint directory name.", DefaultValueFactory = _ => "best" };
        var parallel = new Option<int>("--parallel") { Description = "Envs stepped together.", DefaultValueFactory = _ => 5 };
        var backend = new Option<string?>("--backend") { Description = "Env backend (default: the run's env.backend)." };
        var command = new Command("eval", "Evaluate a run's deterministic policy on held-out seeds and write eval/<checkpoint>-<time>.csv in the run.")
        {
            run, episodes, seed, difficulty, obstacles, options, checkpoint, parallel, backend,
        };
        command.SetAction(p => Run(p.GetValue(run)!, p.GetValue(episodes), p.GetValue(seed), p.GetValue(difficulty), p.GetValue(obstacles),
            p.GetValue(options) ?? Array.Empty<string>(), p.GetValue(checkpoint)!, p.GetValue(parallel), p.GetValue(backend), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string runPath, int episodes, long seed, int? difficulty, int? obstacles, IReadOnlyList<string> extraOptions,
        string checkpointName, int parallel, string? backend, TextWriter output, TextWriter error)
    {
        string? errorLog = null;
        try
        {
            return Evaluate(runPath, episodes, seed, difficulty, obstacles, extraOptions, checkpointName, parallel, backend, output, error, log => errorLog = log);
        }
        catch (Exception e)
        {
            return CommandFailure.Report("rl eval", e, errorLog, error);
        }
    }

    private static int Evaluate(string runPath, int episodes, long seed, int? difficulty, int? obstacles, IReadOnlyList<string> extraOptions,
        string checkpointName, int parallel, string? backend, TextWriter output, TextWriter error, Action<string> errorLogAt)
    {
        EvaluatedRun target;
        try
        {
            if (episodes < 1) throw new ConfigException(null, "--episodes", $"must be at least 1, got {episodes}.");
            target = EvaluatedRun.Open(runPath);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            error.WriteLine($"rl eval: {e.Message}");
            return ExitCodes.Usage;
        }
        var run = target.Run;
        var config = target.Config;
        errorLogAt(Path.Combine(run.EvalDirectory, RunDirectory.ErrorLogFileName));
        Dictionary<string, string> options;
        try
        {
            options = target.EnvOptions(difficulty, obstacles, extraOptions);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"rl eval: {e.Message}");
            return ExitCodes.Usage;
        }

        // The checkpoint first, and its line first (issue 11): which one is evaluated and why, before any env starts.
        EvalCheckpoint chosen;
        try
        {
            chosen = target.OpenCheckpoint(checkpointName);
        }
        catch (UnknownCheckpointException e)
        {
            error.WriteLine($"rl eval: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"rl eval: {e.Message}");
            return ExitCodes.Failure;
        }
        output.WriteLine(chosen.Line);
        foreach (string s in chosen.Skipped) output.WriteLine($"skipping {s}");
        var checkpoint = chosen.Reader;

        var registry = CliEnvironments.CreateRegistry();
        string backendName = backend ?? config.Env.Backend;
        EnvGroupSet envs;
        try
        {
            var provider = CliEnvironments.CreateProviders(registry).Get(backendName);
            envs = provider.Open(new EnvGroupRequest
            {
                EnvId = config.Env.Id,
                Options = options,
                OptionsSource = "rl eval options",
                Groups = 1,
                EnvsPerGroup = Math.Max(1, Math.Min(parallel, episodes)),
                Endpoints = config.Env.Endpoints,
            });
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"rl eval: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (EnvFleetFailedException e)
        {
            error.WriteLine($"rl eval: env failure: {e.Message}");
            return ExitCodes.EnvFailure;
        }
        using (envs)
        {
            using var policy = target.LoadPolicy(envs.Spec, checkpoint);
            string optionText = RunFileColumns.OptionsText(options);
            output.WriteLine($"evaluating {run.Name} checkpoint {checkpoint.Name} ({chosen.Counters.EnvSteps} decisions) on {envs.Spec.Id} [{optionText}], {episodes} episodes from seed {seed}");
            var result = Evaluator.Run(envs.Groups[0], policy, seed, episodes);
            foreach (var e in result.Episodes)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  episode {e.Index,3}  seed {e.Seed,10}  score {e.Score,9:F3}  return {e.Return,9:F3}  length {e.Length,5}  {e.Reason.Name()}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mean {result.Mean:F3}  sd {result.Sd:F3}  fall rate {result.FallRate:P1}  mean over completed runs {(double.IsNaN(result.MeanCompleted) ? "n/a" : result.MeanCompleted.ToString("F3", CultureInfo.InvariantCulture))}"));
            // Every cell filled, with the meanings of the trainer's rows (issue 11): wall_s is the run's training time
            // when the evaluated policy was saved, as it is the training time at the evaluation in a trainer row.
            var c = chosen.Counters;
            string path = ClaimResultFile(run, checkpoint.Name);
            CsvTable.WriteAll(path, RunFileColumns.Evaluations, result.Episodes.Select(e =>
                new object?[] { c.EnvSteps, c.Updates, Math.Round(c.PreviousWallSeconds, 3), "eval", checkpoint.Name, e.Index, e.Seed, e.Score, e.Return, e.Length, e.Reason.Name(), optionText }),
                CsvColumns.SharedSidecar(run.EvalDirectory));
            output.WriteLine($"wrote {result.Episodes.Count} episodes to {path}");
            return ExitCodes.Ok;
        }
    }

    /// <summary>eval/&lt;checkpoint&gt;-&lt;UTC time&gt;.csv, claimed with CreateNew so two evaluations in the same second get two files.</summary>
    private static string ClaimResultFile(RunDirectory run, string checkpoint)
    {
        Directory.CreateDirectory(run.EvalDirectory);
        string stem = Path.Combine(run.EvalDirectory, $"{checkpoint}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        for (int k = 1; ; k++)
        {
            string path = k == 1 ? stem + ".csv" : $"{stem}-{k}.csv";
            try
            {
                using (new FileStream(path, FileMode.CreateNew)) { }
                return path;
            }
            catch (IOException) when (File.Exists(path) && k < 1000)
            {
            }
        }
    }
}
