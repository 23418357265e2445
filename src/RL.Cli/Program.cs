using System.CommandLine;
using RL.Cli.Commands;
using RL.Core.Native;

namespace RL.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        MallocArenas.Widen();
        var root = new RootCommand(
            "RL: deep reinforcement learning for the NIPS 2017 Learning-to-Run task, on a MuJoCo rebuild of its simulator.");
        NoCommand.PrintsHelp(root);
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(EnvCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        // An exception no command expected is one line and exit code 1 (issue 10), never System.CommandLine's
        // "Unhandled exception" dump; train and eval catch their own first and keep the trace in the run's error.log.
        try
        {
            var parse = root.Parse(args);
            // An unknown command or option is a usage error (exit 2, issue 11), said in one line per problem and a pointer
            // to the help, instead of System.CommandLine's full help text after the error and exit code 1.
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors) Console.Error.WriteLine($"rl: {e.Message}");
                string path = string.Join(' ', CommandPath(parse.CommandResult).Prepend("rl"));
                Console.Error.WriteLine($"rl: see `{path} --help`.");
                return ExitCodes.Usage;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return CommandFailure.Report("rl", e, errorLog: null, Console.Error);
        }
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new List<string>();
        for (var r = result; r?.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) names.Insert(0, r.Command.Name);
        return names;
    }
}
