using System.Reflection;

namespace RL.Envs.Remote;

/// <summary>
/// How to start a local env server process: an executable and the arguments before the server options (the pool
/// appends <c>--host 127.0.0.1 --port 0 --managed --slot i --threads t</c>).
/// </summary>
public sealed record ServerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>This program's own <paramref name="verb"/> (e.g. <c>rl serve</c>), whether it runs as an apphost or as <c>dotnet rl.dll</c>.</summary>
    public static ServerCommand CurrentProcess(string verb = "serve")
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this process's executable path to start env servers.");
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            string entry = System.Reflection.Assembly.GetEntryAssembly()?.Location
                ?? throw new InvalidOperationException("cannot tell the entry assembly to start env servers; give ServerCommand explicitly.");
            return new ServerCommand(path, new[] { entry, verb });
        }
        return new ServerCommand(path, new[] { verb });
    }

    /// <summary>A framework-dependent server assembly run with the dotnet host: <c>dotnet path.dll serve</c>.</summary>
    public static ServerCommand Assembly(string dllPath, string verb = "serve")
    {
        if (!File.Exists(dllPath)) throw new FileNotFoundException($"env server assembly '{dllPath}' does not exist.", dllPath);
        string dotnet = Environment.ProcessPath is string p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return new ServerCommand(dotnet, new[] { dllPath, verb });
    }

    /// <summary>This command with <paramref name="options"/> added before the ones the pool appends (e.g. <c>--allow-test-envs</c>).</summary>
    public ServerCommand With(params string[] options) => this with { Arguments = Arguments.Concat(options).ToArray() };

    public override string ToString() => string.Join(' ', Arguments.Prepend(FileName));
}
