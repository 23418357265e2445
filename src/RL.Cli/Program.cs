using System.CommandLine;
using RL.Cli.Commands;

namespace RL.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "RL: deep reinforcement learning for the NIPS 2017 Learning-to-Run task, on a MuJoCo rebuild of its simulator.");
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(EnvCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root.Parse(args).Invoke();
    }
}
