using System.CommandLine;

namespace RL.Envs.Server;

/// <summary>The server's own executable: <c>dotnet RL.Envs.Server.dll serve [options]</c> (same options as <c>rl serve</c>).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("rl-env-server: serves envs over gRPC (rl.env.v1).") { ServeCommand.Create() };
        return root.Parse(args).Invoke();
    }
}
