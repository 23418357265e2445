using RL.Core.Environments;
using RL.Envs.Remote;

namespace RL.Cli.Environments;

/// <summary>
/// Env groups behind the gRPC contract (issue 4): env.backend <c>local</c> starts one `rl serve` child process per
/// group, <c>remote</c> reaches the servers in env.endpoints (one group per server, a DNS name expanding to every
/// address it resolves to). Frame skip and reward shaping run on the servers, from the env options.
/// </summary>
public sealed class WorkerPoolEnvProvider : IEnvGroupProvider
{
    public const string LocalName = "local";
    public const string RemoteName = "remote";

    private readonly bool _remote;
    private readonly RemoteEnvOptions _template;

    /// <param name="remote">True for <c>remote</c>, false for <c>local</c>.</param>
    /// <param name="template">Token, trusted CA, deadlines and restart limits (e.g. from `rl train --env-*`); the env, counts and endpoints come from each request.</param>
    public WorkerPoolEnvProvider(bool remote, RemoteEnvOptions? template = null)
    {
        _remote = remote;
        _template = template ?? new RemoteEnvOptions { EnvId = "unset" };
    }

    public string Name => _remote ? RemoteName : LocalName;

    public EnvGroupSet Open(EnvGroupRequest request)
    {
        if (!_remote && request.Endpoints.Count > 0)
            throw new ArgumentException($"env.endpoints lists {request.Endpoints.Count} server(s), but env.backend is {LocalName}, which starts its own servers; use env.backend: {RemoteName}.");
        if (_remote && request.Endpoints.Count == 0)
            throw new ArgumentException($"env.backend is {RemoteName} but env.endpoints is empty: list host:port of the env servers (or one DNS name).");
        var options = _template with
        {
            EnvId = request.EnvId,
            EnvOptions = request.Options,
            EnvsPerServer = request.EnvsPerGroup,
            BatchesPerServer = request.BatchesPerServer,
            LocalTransport = request.LocalTransport == "grpc" ? LocalTransport.Grpc : LocalTransport.Socket,
            LocalServers = request.Groups,
            Endpoints = _remote ? EnvEndpoint.ParseList(string.Join(",", request.Endpoints)) : Array.Empty<EnvEndpoint>(),
            MasterSeed = request.Seed,
        };
        var pool = EnvWorkerPool.Start(options);
        try
        {
            return new EnvGroupSet(pool.Spec, pool.Groups, new FleetStatus(pool.Stats), pool.Dispose);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    private sealed class FleetStatus(EnvFleetStats stats) : IEnvFleetStatus
    {
        public long Restarts => stats.Restarts;
        public long Timeouts => stats.Timeouts;
        public int HealthyServers => stats.HealthyServers;
    }
}
