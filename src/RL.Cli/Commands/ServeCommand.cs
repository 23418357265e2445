using System.CommandLine;

namespace RL.Cli.Commands;

/// <summary>
/// `rl serve`: runs an env server in this process (the same command line as the server's own executable). Training
/// starts these as child processes by itself; run it by hand for remote servers (`rl serve --host 0.0.0.0
/// --token-file token`) or to look at one.
/// </summary>
public static class ServeCommand
{
    public static Command Create() => RL.Envs.Server.ServeCommand.Create();
}
