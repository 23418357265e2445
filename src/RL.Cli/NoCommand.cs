using System.CommandLine;
using System.CommandLine.Help;

namespace RL.Cli;

/// <summary>
/// What bare `rl` does: the help with the command list, then exit code 2 (<see cref="ExitCodes.Usage"/>), without
/// System.CommandLine's "Required command was not provided." and its exit code 1 (issue 11). Not exit 0: git (1)
/// and dotnet (129) treat a missing command as a usage error too, and a script running `rl $command` with an empty
/// variable must fail rather than report success for work that was never done.
/// </summary>
public static class NoCommand
{
    public static void PrintsHelp(RootCommand root) => root.SetAction(parse =>
    {
        new HelpAction().Invoke(parse);
        Console.Error.WriteLine("rl: no command given; pick one of the commands above (`rl doctor` checks this machine first).");
        return ExitCodes.Usage;
    });
}
