using System.CommandLine;
using System.Runtime.InteropServices;
using RL.Algorithms;
using RL.Algorithms.Training;
using RL.Cli.Environments;
using RL.Cli.Reporting;
using RL.Core.Config;
using RL.Core.Logging;
using RL.Envs.Vector;
using Spectre.Console;

namespace RL.Cli.Commands;

/// <summary>
/// `rl train [config.yaml] [--set key=value]... [--dry-run] [--resume runs/name]`. Without a config it trains the
/// built-in default: Reason8's DDPG recipe on Learning to Run with local env workers. Exit codes are
/// <see cref="ExitCodes"/>: config errors (2) and a run locked by another trainer (5) stop before anything starts
/// or is written; an unexpected exception is one line and exit code 1, its stack trace in the run's error.log.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var config = new Argument<string?>("config")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "YAML config file (default: Reason8's DDPG recipe on L2R sized for this machine, 1.2 M decisions; the first line says what it picked).",
        };
        var set = new Option<string[]>("--set") { Description = "Override one key, e.g. --set ddpg.tau=1e-3 (repeatable)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the effective config and exit." };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the run in this directory (runs/<name>) from its newest valid checkpoint. With --set only budgets and " +
                "schedules (train.max_*, checkpoint.*, evaluation.*) or where it runs (device, env.backend) may change; they are recorded in resumes.yaml.",
        };
        var runDir = new Option<string?>("--run-dir")
        {
            Description = "Write the new run to exactly this directory (missing or empty) instead of runs_dir/<name>-seed<N>; rl sweep uses it for runs/<experiment>/<variant>/seed_<k>.",
        };
        var command = new Command("train", "Train an agent (DDPG, PPO or TRPO: the config's algorithm) and write runs/<name>-seed<N>/.") { config, set, dryRun, resume, runDir };
        // Where the env servers come from: env.backend local (default) starts env.groups `rl serve` children;
        // --env-endpoints switches to remote servers (env.backend remote, env.endpoints) without editing the config.
        var workers = new EnvWorkerOptions();
        workers.AddTo(command, withServerCount: false);
        command.SetAction(p =>
        {
            var overrides = new List<string>(p.GetValue(set) ?? Array.Empty<string>());
            RL.Envs.Remote.RemoteEnvOptions template;
            try
            {
                template = workers.BuildTemplate(p);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"rl train: {e.Message}");
                return ExitCodes.Usage;
            }
            if (p.GetValue(workers.Endpoints) is string endpoints)
            {
                overrides.Add("env.backend=remote");
                overrides.Add($"env.endpoints=[{endpoints}]");
            }
            return Run(p.GetValue(config), overrides, p.GetValue(dryRun), p.GetValue(resume), Console.Out, Console.Error, template, p.GetValue(runDir));
        });
        return command;
    }

    public static int Run(string? configPath, IReadOnlyList<string> overrides, bool dryRun, string? resume, TextWriter output, TextWriter error,
        RL.Envs.Remote.RemoteEnvOptions? workers = null, string? newRunDirectory = null)
    {
        RunConfig config;
        DefaultRecipeChoice? builtIn = null;
        try
        {
            // System.CommandLine hands an unknown option to the config argument; say so rather than "config file not found".
            if (configPath is not null && configPath.StartsWith('-') && !File.Exists(configPath))
                throw new ConfigException(null, configPath, $"is not an option of rl train (see `rl train --help`) nor a config file.");
            if (resume is not null && newRunDirectory is not null)
                throw new ConfigException(null, "--run-dir", "a resumed run stays in its own directory; give --resume or --run-dir, not both.");
            if (resume is not null && configPath is not null)
                throw new ConfigException(null, "config", "give either a config file or --resume <run directory>, not both (a resumed run uses its own config.yaml).");
            // A resume reads its run's config.yaml and resumes.yaml and checks the overrides before anything is
            // written, so a refused --set leaves the run as it was (issue 10, part 3).
            config = resume is not null
                ? RunConfigLoader.LoadRun(resume, overrides)
                : RunConfigLoader.Load(configPath, overrides, configPath is null ? (builtIn = DefaultRecipe.For(MachineFacts.Current)).Root : null);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"rl train: config error: {e.Message}");
            return ExitCodes.Usage;
        }
        if (dryRun)
        {
            // A comment, so the printed config stays a valid YAML file.
            if (builtIn is not null) foreach (string line in builtIn.Explanation) output.WriteLine($"# {line}");
            output.Write(ConfigWriter.ToYaml(config));
            return ExitCodes.Ok;
        }

        // Issue 11: the first line says what the default picked and why, before anything else is printed.
        if (builtIn is not null) foreach (string line in builtIn.Explanation) output.WriteLine($"rl train: {line}");
        string? runDirectory = resume is null ? null : Path.GetFullPath(resume);
        if (newRunDirectory is not null && Directory.Exists(newRunDirectory) && Directory.EnumerateFileSystemEntries(newRunDirectory).Any())
        {
            error.WriteLine($"rl train: --run-dir {newRunDirectory} is not empty (a run is there?); continue it with --resume {newRunDirectory}.");
            return ExitCodes.Usage;
        }
        try
        {
            var registry = CliEnvironments.CreateRegistry();
            var providers = CliEnvironments.CreateProviders(registry, workers);

            using var cancel = new CancellationTokenSource();
            int signalExit = ExitCodes.Interrupted;
            // On a terminal the live display would draw over a line written straight to stderr (issue 11).
            ITrainingReporter? display = null;
            void Say(string line)
            {
                if (display is not null) display.Message($"rl train: {line}");
                else error.WriteLine($"rl train: {line}");
            }
            void OnSignal(PosixSignalContext context, int exitCode)
            {
                context.Cancel = true;
                if (cancel.IsCancellationRequested)
                {
                    Say("second signal: stopping now without a final checkpoint.");
                    Environment.Exit(exitCode);
                }
                signalExit = exitCode;
                Say("stopping after a final checkpoint (signal again to stop at once).");
                cancel.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, ExitCodes.Interrupted));
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, ExitCodes.Terminated));

            var options = new SessionOptions
            {
                ResumeDirectory = resume,
                NewRunDirectory = newRunDirectory,
                ResumeOverrides = resume is null ? Array.Empty<string>() : overrides,
                Cancel = cancel.Token,
                AlgorithmColumns = AlgorithmCatalog.For(config.Algorithm).ProgressColumns,
                SeedStreams = AlgorithmCatalog.For(config.Algorithm).SeedStreams,
            };
            bool terminal = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            TrainOutcome outcome;
            if (terminal)
            {
                outcome = AnsiConsole.Live(TerminalReporter.Starting("starting env servers...")).AutoClear(false).Overflow(VerticalOverflow.Visible)
                    .Start(ctx => Train(config, providers, options with { Reporter = display = new TerminalReporter(ctx) }, d => runDirectory = d));
            }
            else
            {
                outcome = Train(config, providers, options with { Reporter = new PlainReporter(output, config.Train.ConsoleIntervalS) }, d => runDirectory = d);
            }
            // A run that ended badly says so on stderr, where scripts and schedulers look for it.
            (outcome.ExitCode is ExitCodes.Ok or ExitCodes.Interrupted ? output : error).WriteLine($"rl train: {outcome.Reason}");
            return outcome.ExitCode == ExitCodes.Interrupted ? signalExit : outcome.ExitCode;
        }
        catch (ConfigException e)
        {
            error.WriteLine($"rl train: config error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (RunLockedException e)
        {
            error.WriteLine($"rl train: {e.Message}");
            return ExitCodes.RunLocked;
        }
        catch (EnvFleetFailedException e)
        {
            error.WriteLine($"rl train: env failure: {e.Message}");
            return ExitCodes.EnvFailure;
        }
        catch (InvalidDataException e)
        {
            // A run that cannot continue as it is (no valid checkpoint, a log written by another version): the message says why.
            error.WriteLine($"rl train: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // Anything else, including the trainer's own failure exception after its final checkpoint.
            return CommandFailure.Report("rl train", e, runDirectory is null ? null : Path.Combine(runDirectory, RunDirectory.ErrorLogFileName), error);
        }
    }

    private static TrainOutcome Train(RunConfig config, RL.Core.Environments.EnvProviderCatalog providers, SessionOptions options, Action<string> opened)
    {
        using var session = TrainingSession.Open(config, providers, options);
        opened(session.Directory.Root);
        options.Reporter.Message($"run directory {session.Directory.Root}");
        return AlgorithmCatalog.For(config.Algorithm).Train(session);
    }
}
