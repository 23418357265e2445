using System.CommandLine;
using RL.Cli.Commands;

namespace RL.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "RL: deep reinforcement learning for the NIPS 2017 Learning-to-Run task, on a MuJoCo rebuild of its simulator.");
        NoCommand.PrintsHelp(root);
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(EnvCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        // An exception no command expected is one line and exit code 1 (issue 10), never System.CommandLine's
        // "Unhandled exception" dump; train and eval catch their own first and keep the trace in the run's error.log.
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CommandFailure.Report("rl", e, errorLog: null, Console.Error);
        }
    }
}
