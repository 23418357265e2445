namespace RL.Envs.Remote;

/// <summary>
/// What a worker pool serves and how: the env (id and options, frame_skip among them), how many envs each server hosts, where
/// the servers come from (local child processes by default, or remote endpoints), deadlines and restart policy.
/// </summary>
public sealed record RemoteEnvOptions
{
    public required string EnvId { get; init; }
    public IReadOnlyDictionary<string, string> EnvOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Envs on each server, over its <see cref="BatchesPerServer"/> batches. 16-32+ keep transport a few % of wall time.</summary>
    public int EnvsPerServer { get; init; } = 16;

    /// <summary>
    /// Batches each server's envs are split into, each its own group with its own stream (envs in order: batch 0
    /// takes the first ones). With 2, one batch's step is in flight while the sampler handles the other's reply, so
    /// neither the server nor the sampler waits on a round trip (issue 16); 1 is lock-step per server.
    /// </summary>
    public int BatchesPerServer { get; init; } = 1;

    /// <summary>
    /// How steps travel to the local servers this pool starts: <see cref="RemoteEnvOptions.LocalTransport"/>.Socket
    /// (default) uses each server's local step channel (StepFrames: fixed-layout frames on a Unix socket, a fraction of
    /// a gRPC step's CPU), Grpc the Step stream. Remote servers always use the Step stream.
    /// </summary>
    public LocalTransport LocalTransport { get; init; } = LocalTransport.Socket;

    /// <summary>Local servers to start as child processes, when <see cref="Endpoints"/> is empty.</summary>
    public int LocalServers { get; init; } = 2;

    /// <summary>How to start a local server; null = this program's own <c>serve</c> command.</summary>
    public ServerCommand? ServerCommand { get; init; }

    /// <summary>Threads each local server steps its batch on; 0 = cores / servers (at least 1).</summary>
    public int ServerThreads { get; init; }

    /// <summary>
    /// Remote servers. One endpoint whose host is a DNS name expands to every address it resolves to (a
    /// Kubernetes headless service), one server each.
    /// </summary>
    public IReadOnlyList<EnvEndpoint> Endpoints { get; init; } = Array.Empty<EnvEndpoint>();

    /// <summary>Bearer token sent to remote servers (local ones get a fresh random token per pool).</summary>
    public string? Token { get; init; }

    /// <summary>PEM file of a CA or self-signed certificate trusted for https endpoints, besides the system store.</summary>
    public string? TrustedCertificateFile { get; init; }

    /// <summary>
    /// Seeds for envs of a batch reopened after its server was lost without the caller giving seeds derive from
    /// this (RL.Envs.Random.SeedSequence), so replacement episodes differ from each other and are reproducible.
    /// </summary>
    public ulong MasterSeed { get; init; }

    public EnvDeadlines Deadlines { get; init; } = new();
    public RestartPolicy Restarts { get; init; } = new();

    /// <summary>Copies local servers' stderr lines to this process's stderr, prefixed with the server's name.</summary>
    public bool ForwardServerStderr { get; init; } = true;

    /// <summary>Resolves a DNS name to addresses; replaceable in tests.</summary>
    public Func<string, CancellationToken, Task<System.Net.IPAddress[]>> Resolve { get; init; } =
        (host, ct) => System.Net.Dns.GetHostAddressesAsync(host, ct);

    public bool IsRemote => Endpoints.Count > 0;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(EnvId)) throw new ArgumentException("env id is empty.");
        if (EnvsPerServer < 1) throw new ArgumentException($"envs per server = {EnvsPerServer} must be at least 1.");
        if (BatchesPerServer < 1 || BatchesPerServer > EnvsPerServer)
            throw new ArgumentException($"batches per server = {BatchesPerServer} must be between 1 and the envs per server ({EnvsPerServer}).");
        if (!IsRemote && LocalServers < 1) throw new ArgumentException($"local servers = {LocalServers} must be at least 1 (or give --env-endpoints).");
        if (ServerThreads < 0) throw new ArgumentException($"server threads = {ServerThreads} must be ≥ 0.");
        Restarts.Validate();
    }
}

/// <summary>How steps travel to local servers (<see cref="RemoteEnvOptions.LocalTransport"/>).</summary>
public enum LocalTransport
{
    /// <summary>The server's local step channel on a Unix socket (StepFrames); every other call stays gRPC.</summary>
    Socket,

    /// <summary>The gRPC Step stream, as for remote servers.</summary>
    Grpc,
}
