using System.CommandLine;
using System.Globalization;
using RL.Analysis.Render;
using RL.Cli.Environments;
using RL.Core.Config;
using RL.Envs;
using RL.Envs.LearningToRun;

namespace RL.Cli.Commands;

/// <summary>
/// `rl render runs/name` (issue 13): runs one evaluation episode of the run's deterministic policy (best checkpoint by
/// default, the run's evaluation setting, seed evaluation.seed: a held-out course), records it as
/// render/&lt;checkpoint&gt;-seed&lt;S&gt;.trajectory.json and draws it from that file as a stick figure: a filmstrip PNG and an
/// HTML page with a time slider, beside it. `rl render --trajectory file` draws a recorded file again, without the
/// policy. Nothing needs a display. The episode runs in this process whatever env.backend says: the drawing needs the
/// simulator's state (coordinates, muscle activations), which env servers do not send.
/// </summary>
public static class RenderCommand
{
    public const string FolderName = "render";

    public static Command Create()
    {
        var run = new Argument<string?>("run") { Description = "Run directory (runs/<name>); leave out with --trajectory.", Arity = ArgumentArity.ZeroOrOne };
        var checkpoint = new Option<string>("--checkpoint") { Description = "best, latest or a checkpoint directory name.", DefaultValueFactory = _ => "best" };
        var seed = new Option<long?>("--seed") { Description = "Episode seed (default: the run's evaluation.seed, a held-out course)." };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop recording after this many decisions (default: the whole episode)." };
        var frames = new Option<int>("--frames") { Description = "Frames in the filmstrip.", DefaultValueFactory = _ => Filmstrip.DefaultFrames };
        var trajectory = new Option<string?>("--trajectory") { Description = "Draw this recorded *.trajectory.json again instead of running a policy." };
        var command = new Command("render", "Record one evaluation episode of a run's policy and draw it: a filmstrip PNG and an HTML animation in <run>/render/.")
        {
            run, checkpoint, seed, maxSteps, frames, trajectory,
        };
        command.SetAction(p => Run(p.GetValue(run), p.GetValue(checkpoint)!, p.GetValue(seed), p.GetValue(maxSteps), p.GetValue(frames),
            p.GetValue(trajectory), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string? runPath, string checkpointName, long? seed, int? maxSteps, int frames, string? trajectoryPath, TextWriter output, TextWriter error)
    {
        string? errorLog = null;
        try
        {
            if (frames < 1) return Usage(error, $"--frames must be at least 1, got {frames}.");
            if (maxSteps is < 1) return Usage(error, $"--max-steps must be at least 1, got {maxSteps}.");
            if (trajectoryPath is not null)
            {
                if (runPath is not null) return Usage(error, "give a run or --trajectory, not both.");
                return Redraw(trajectoryPath, frames, output, error);
            }
            if (runPath is null) return Usage(error, "give a run directory (rl render runs/<name>) or --trajectory <file>.");
            return RecordAndDraw(runPath, checkpointName, seed, maxSteps, frames, output, error, log => errorLog = log);
        }
        catch (Exception e)
        {
            return CommandFailure.Report("rl render", e, errorLog, error);
        }
    }

    private static int Redraw(string path, int frames, TextWriter output, TextWriter error)
    {
        Trajectory trajectory;
        try
        {
            trajectory = TrajectoryFile.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Usage(error, e.Message);
        }
        return Draw(trajectory, path, frames, output, error);
    }

    private static int RecordAndDraw(string runPath, string checkpointName, long? seed, int? maxSteps, int frames, TextWriter output, TextWriter error,
        Action<string> errorLogAt)
    {
        EvaluatedRun target;
        try
        {
            target = EvaluatedRun.Open(runPath);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            return Usage(error, e.Message);
        }
        var config = target.Config;
        if (config.Env.Id != LearningToRunSpec.Id)
            return Usage(error, $"{target.Run.Root} trains {config.Env.Id}; rl render draws the Learning-to-Run skeleton ({LearningToRunSpec.Id}) only.");
        string renderDir = Path.Combine(target.Run.Root, FolderName);
        errorLogAt(Path.Combine(renderDir, Core.Logging.RunDirectory.ErrorLogFileName));
        long episodeSeed = seed ?? config.Evaluation.Seed;
        var options = target.EnvOptions();

        EvalCheckpoint chosen;
        try
        {
            chosen = target.OpenCheckpoint(checkpointName);
        }
        catch (UnknownCheckpointException e)
        {
            return Usage(error, e.Message);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"rl render: {e.Message}");
            return ExitCodes.Failure;
        }
        output.WriteLine(chosen.Line);
        foreach (string s in chosen.Skipped) output.WriteLine($"skipping {s}");

        IEnv env;
        try
        {
            env = CliEnvironments.CreateRegistry().Create(config.Env.Id, options, "rl render options");
        }
        catch (ArgumentException e)
        {
            return Usage(error, e.Message);
        }
        Trajectory trajectory;
        using (env)
        {
            using var policy = target.LoadPolicy(env.Spec, chosen.Reader);
            output.WriteLine($"recording {target.Run.Name} checkpoint {chosen.Reader.Name} on {env.Spec.Id} " +
                $"[{Algorithms.Training.RunFileColumns.OptionsText(options)}], seed {episodeSeed}{(maxSteps is int m ? $", at most {m} decisions" : "")}");
            var header = new Trajectory { Run = target.Run.Name, Checkpoint = chosen.Reader.Name, Options = new SortedDictionary<string, string>(options, StringComparer.Ordinal) };
            trajectory = TrajectoryRecorder.Record(env, policy, episodeSeed, maxSteps, header);
        }
        string stem = Path.Combine(renderDir, string.Create(CultureInfo.InvariantCulture,
            $"{chosen.Reader.Name}-seed{episodeSeed}{(maxSteps is int n ? $"-first{n}" : "")}"));
        string path = stem + TrajectoryFile.Extension;
        TrajectoryFile.Write(path, trajectory);
        output.WriteLine($"wrote {path}");
        return Draw(trajectory, path, frames, output, error);
    }

    private static int Draw(Trajectory trajectory, string path, int frames, TextWriter output, TextWriter error)
    {
        RenderedEpisode rendered;
        try
        {
            rendered = TrajectoryRenderer.Render(trajectory, TrajectoryRenderer.StemOf(path), path, frames);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"rl render: {e.Message}");
            return ExitCodes.Failure;
        }
        output.WriteLine($"{EpisodeTitle.Outcome(trajectory)}, {trajectory.Steps.Count - 1} decisions");
        if (!double.IsNaN(rendered.LargestObservedDeviation))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"drawn bodies are within {rendered.LargestObservedDeviation * 1000:F3} mm of the observed ones ({string.Join(", ", trajectory.Model.ObservedBodies)})"));
        output.WriteLine($"wrote {rendered.FilmstripPath}");
        output.WriteLine($"wrote {rendered.PagePath}");
        return ExitCodes.Ok;
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"rl render: {message}");
        return ExitCodes.Usage;
    }
}
