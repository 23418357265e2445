using Grpc.Net.Client;
using RL.Envs.Remote.Protocol;
using RL.Envs.Server;

namespace RL.Envs.Remote.Tests;

/// <summary>Servers for tests: in-process hosts (grpc-dotnet's GrpcTestFixture idea, on a real loopback port) and the server executable for child processes.</summary>
internal static class TestServers
{
    /// <summary>The server executable copied next to the tests (a project reference).</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "RL.Envs.Server.dll");

    /// <summary>The server as the pool starts it, serving the fault-injection env (<c>--allow-test-envs</c>).</summary>
    public static ServerCommand Command => ServerCommand.Assembly(ServerDll).With("--allow-test-envs");

    /// <summary>An in-process server on a free loopback port, serving the fault-injection env (--allow-test-envs).</summary>
    public static Task<EnvServerHost> StartAsync(ServerOptions? options = null, EnvRegistry? registry = null) =>
        EnvServerHost.StartAsync((options ?? new ServerOptions()) with { Port = options?.UnixSocket is null ? 0 : options.Port, AllowTestEnvs = true }, registry);

    public static (GrpcChannel Channel, EnvService.EnvServiceClient Client) Connect(EnvEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler();
        if (endpoint.IsUnixSocket)
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(endpoint.UnixSocketPath!), ct);
                return new System.Net.Sockets.NetworkStream(socket, true);
            };
        var channel = GrpcChannel.ForAddress(endpoint.Address, new GrpcChannelOptions { HttpHandler = handler, MaxSendMessageSize = null, MaxReceiveMessageSize = null });
        return (channel, new EnvService.EnvServiceClient(channel));
    }

    public static Dictionary<string, string> Options(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Pool options for in-process servers reached as remote endpoints.</summary>
    public static RemoteEnvOptions RemoteOptions(string envId, IEnumerable<EnvEndpoint> endpoints, int envsPerServer, Dictionary<string, string>? envOptions = null) => new()
    {
        EnvId = envId,
        EnvOptions = envOptions ?? new Dictionary<string, string>(),
        EnvsPerServer = envsPerServer,
        Endpoints = endpoints.ToList(),
    };

    /// <summary>Pool options for local child-process servers, stepped through <paramref name="transport"/>.</summary>
    public static RemoteEnvOptions LocalOptions(string envId, int servers, int envsPerServer, Dictionary<string, string>? envOptions = null,
        LocalTransport transport = LocalTransport.Socket) => new()
    {
        LocalTransport = transport,
        EnvId = envId,
        EnvOptions = envOptions ?? new Dictionary<string, string>(),
        EnvsPerServer = envsPerServer,
        LocalServers = servers,
        ServerCommand = Command,
        ServerThreads = 1,
        ForwardServerStderr = false,
    };

    /// <summary>True while the process exists and is not a zombie (read from /proc, so it works for any pid).</summary>
    public static bool ProcessAlive(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        try
        {
            string text = File.ReadAllText(stat);
            int close = text.LastIndexOf(')');
            return close > 0 && close + 2 < text.Length && text[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout) => RL.Testing.ProcessGroups.WaitUntil(condition, timeout);

    /// <summary>The transport name a group reports for <paramref name="transport"/> (RemoteVectorEnv.Transport).</summary>
    public static string Name(LocalTransport transport) => transport == LocalTransport.Socket ? "socket" : "grpc";
}
