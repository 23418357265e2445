using System.CommandLine;
using System.Runtime.InteropServices;
using RL.Algorithms;
using RL.Algorithms.Ddpg;
using RL.Algorithms.Training;
using RL.Cli.Environments;
using RL.Cli.Reporting;
using RL.Core.Config;
using RL.Envs.Vector;
using Spectre.Console;

namespace RL.Cli.Commands;

/// <summary>
/// `rl train [config.yaml] [--set key=value]... [--dry-run] [--resume runs/name]`. Without a config it trains the
/// built-in default: Reason8's DDPG recipe on Learning to Run with local env workers. Exit codes: 0 done,
/// 1 unexpected failure, 2 config error (before anything starts), 3 env failure, 4 non-finite training,
/// 130/143 interrupted by SIGINT/SIGTERM (after a final checkpoint).
/// </summary>
public static class TrainCommand
{
    public const string DefaultConfigName = "built-in default (experiments/configs/ddpg-l2r-reason8.yaml)";

    public static Command Create()
    {
        var config = new Argument<string?>("config")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "YAML config file (default: the built-in Reason8 DDPG recipe on L2R).",
        };
        var set = new Option<string[]>("--set") { Description = "Override one key, e.g. --set ddpg.tau=1e-3 (repeatable)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the effective config and exit." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory (runs/<name>) from its newest valid checkpoint." };
        var command = new Command("train", "Train an agent (DDPG; PPO and TRPO next) and write runs/<name>/.") { config, set, dryRun, resume };
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
                return ConfigException.ExitCode;
            }
            if (p.GetValue(workers.Endpoints) is string endpoints)
            {
                overrides.Add("env.backend=remote");
                overrides.Add($"env.endpoints=[{endpoints}]");
            }
            return Run(p.GetValue(config), overrides, p.GetValue(dryRun), p.GetValue(resume), Console.Out, Console.Error, template);
        });
        return command;
    }

    public static string DefaultConfigYaml()
    {
        using var stream = typeof(TrainCommand).Assembly.GetManifestResourceStream("RL.Cli.default-train.yaml")
            ?? throw new InvalidOperationException("the built-in default config is missing from the rl assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static int Run(string? configPath, IReadOnlyList<string> overrides, bool dryRun, string? resume, TextWriter output, TextWriter error,
        RL.Envs.Remote.RemoteEnvOptions? workers = null)
    {
        RunConfig config;
        try
        {
            if (resume is not null && configPath is not null)
                throw new ConfigException(null, "config", "give either a config file or --resume <run directory>, not both (a resumed run uses its own config.yaml).");
            string? path = resume is not null ? Path.Combine(resume, "config.yaml") : configPath;
            if (resume is not null && !File.Exists(path))
                throw new ConfigException(new ConfigSource(resume, 0, 0), "--resume", $"{Path.GetFullPath(resume)} is not a run directory (no config.yaml).");
            config = RunConfigLoader.Load(path, overrides, path is null ? DefaultConfigYaml() : null, DefaultConfigName);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"rl train: config error: {e.Message}");
            return ConfigException.ExitCode;
        }
        if (dryRun)
        {
            output.Write(ConfigWriter.ToYaml(config));
            return 0;
        }

        var registry = CliEnvironments.CreateRegistry();
        var providers = CliEnvironments.CreateProviders(registry, workers);

        using var cancel = new CancellationTokenSource();
        int signalExit = TrainOutcome.Interrupted;
        void OnSignal(PosixSignalContext context, int exitCode)
        {
            context.Cancel = true;
            if (cancel.IsCancellationRequested)
            {
                error.WriteLine("rl train: second signal: stopping now without a final checkpoint.");
                Environment.Exit(exitCode);
            }
            signalExit = exitCode;
            error.WriteLine("rl train: stopping after a final checkpoint (signal again to stop at once).");
            cancel.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, 130));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, 143));

        bool terminal = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        try
        {
            TrainOutcome outcome;
            if (terminal)
            {
                outcome = AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx => Train(config, providers, resume, new ProgressBarReporter(ctx.AddTask("training", maxValue: 100)), cancel.Token));
            }
            else
            {
                outcome = Train(config, providers, resume, new PlainReporter(output, config.Train.ConsoleIntervalS), cancel.Token);
            }
            output.WriteLine($"rl train: {outcome.Reason}");
            return outcome.ExitCode == TrainOutcome.Interrupted ? signalExit : outcome.ExitCode;
        }
        catch (ConfigException e)
        {
            error.WriteLine($"rl train: config error: {e.Message}");
            return ConfigException.ExitCode;
        }
        catch (EnvFleetFailedException e)
        {
            error.WriteLine($"rl train: env failure: {e.Message}");
            return TrainOutcome.EnvFailure;
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"rl train: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            // e.g. a resumed run whose --set changed the network sizes: the checkpoint no longer fits.
            error.WriteLine($"rl train: failed: {e.Message}");
            return 1;
        }
    }

    private static TrainOutcome Train(RunConfig config, RL.Core.Environments.EnvProviderCatalog providers, string? resume, ITrainingReporter reporter, CancellationToken cancel)
    {
        using var session = TrainingSession.Open(config, providers, new SessionOptions
        {
            ResumeDirectory = resume,
            Reporter = reporter,
            Cancel = cancel,
            AlgorithmColumns = Ddpg.ProgressColumns,
        });
        reporter.Message($"run directory {session.Directory.Root}");
        return DdpgTrainer.Train(session);
    }
}
