using System.Net;

namespace RL.Envs.Server;

/// <summary>How an env server listens and what it allows. Validated before anything binds (<see cref="Validate"/>).</summary>
public sealed record ServerOptions
{
    /// <summary>Environment variable holding the auth token when no token file is given.</summary>
    public const string TokenVariable = "RL_ENV_TOKEN";

    /// <summary>IP address to bind (127.0.0.1 by default), "localhost", or "*" for every interface.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (announced on stdout).</summary>
    public int Port { get; init; } = 50051;

    /// <summary>Listen on this Unix domain socket instead of TCP.</summary>
    public string? UnixSocket { get; init; }

    /// <summary>
    /// Also serve Step on the local step channel (RL.Envs.Remote.StepFrames): a Unix socket in Linux's abstract
    /// namespace that clients on this machine use instead of the Step stream. Pools turn it on for the servers they
    /// start; it is ignored off Linux.
    /// </summary>
    public bool StepSocket { get; init; }

    /// <summary>The token itself (tests); otherwise read from <see cref="TokenFile"/> or <see cref="TokenVariable"/>.</summary>
    public string? Token { get; init; }

    public string? TokenFile { get; init; }

    /// <summary>PEM certificate and key files: serve TLS (HTTP/2 over TLS with ALPN) instead of cleartext.</summary>
    public string? TlsCertificateFile { get; init; }

    public string? TlsKeyFile { get; init; }

    /// <summary>Threads a batch steps on: 1 steps its envs one after another, more steps them on the thread pool; 0 = every core.</summary>
    public int Threads { get; init; }

    /// <summary>Most envs open at once over all batches and clients.</summary>
    public int MaxEnvs { get; init; } = 4096;

    /// <summary>
    /// Budget, in MiB, for the estimated memory of all open envs (EnvCatalog.BytesPerEnv); null for
    /// <see cref="DefaultMemoryFraction"/> of <see cref="AvailableMemoryBytes"/>. The env count alone did not bound
    /// memory: at ~3.5 MB per L2R env, the old default of 4096 envs let one client take ~14 GB (issue 10, part 5).
    /// </summary>
    public double? MaxEnvMemoryMb { get; init; }

    /// <summary>Share of the machine's (or container's) memory the envs may take by default, leaving the rest to the host.</summary>
    public const double DefaultMemoryFraction = 0.5;

    /// <summary>
    /// Memory this process may use: the GC's view, which honours a container's cgroup limit and otherwise is the
    /// physical memory (learn.microsoft.com/dotnet/api/system.gcmemoryinfo.totalavailablememorybytes).
    /// </summary>
    public static long AvailableMemoryBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public long EffectiveMaxEnvMemoryBytes => MaxEnvMemoryMb is double mb ? (long)(mb * 1048576) : (long)(AvailableMemoryBytes * DefaultMemoryFraction);

    /// <summary>
    /// Serve the fault-injection env ("Fault") too. Off unless asked: its options crash the process, park threads
    /// forever and sleep up to an hour per step, which no production server should offer a client (issue 10, part 5).
    /// </summary>
    public bool AllowTestEnvs { get; init; }

    /// <summary>Largest message accepted, and largest step reply a batch may produce (worst case: every env ends at once).</summary>
    public int MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>A batch nobody touched for this long is closed (its client is gone; cf. the 2017 farm's 361 s self-release).</summary>
    public TimeSpan BatchIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Run as a pool's child: exit when stdin closes (the parent died or let go), ignore SIGINT and SIGTERM (a Ctrl-C,
    /// or the SIGTERM that systemd, Slurm and timeout send to the whole process group, must not stop the servers under
    /// a trainer that is still writing its final checkpoint; the parent decides when its servers stop).
    /// </summary>
    public bool Managed { get; init; }

    /// <summary>This server's slot in its pool (-1 standalone); the fault env's fail_slots option reads it.</summary>
    public int Slot { get; init; } = -1;

    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    public bool IsLoopbackOnly =>
        UnixSocket is not null || Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The token to require: <see cref="Token"/>, else the first line of <see cref="TokenFile"/>, else <see cref="TokenVariable"/>; null when none.</summary>
    public string? ResolveToken()
    {
        if (!string.IsNullOrEmpty(Token)) return Token;
        if (TokenFile is not null)
        {
            if (!File.Exists(TokenFile)) throw new ArgumentException($"--token-file '{TokenFile}' does not exist.");
            string token = File.ReadAllText(TokenFile).Trim();
            if (token.Length == 0) throw new ArgumentException($"--token-file '{TokenFile}' is empty.");
            return token;
        }
        string? fromEnv = Environment.GetEnvironmentVariable(TokenVariable);
        return string.IsNullOrWhiteSpace(fromEnv) ? null : fromEnv.Trim();
    }

    /// <summary>Rejects unsafe or inconsistent settings with a message naming the option.</summary>
    public void Validate()
    {
        if (UnixSocket is null && (Port < 0 || Port > 65535)) throw new ArgumentException($"--port {Port} is outside 0-65535.");
        if (UnixSocket is null && Host != "*" && Host != "localhost" && !IPAddress.TryParse(Host, out _))
            throw new ArgumentException($"--host '{Host}' is not an IP address, 'localhost' or '*'.");
        if ((TlsCertificateFile is null) != (TlsKeyFile is null))
            throw new ArgumentException("--tls-cert and --tls-key go together: give both PEM files or neither.");
        if (TlsCertificateFile is not null && !File.Exists(TlsCertificateFile)) throw new ArgumentException($"--tls-cert '{TlsCertificateFile}' does not exist.");
        if (TlsKeyFile is not null && !File.Exists(TlsKeyFile)) throw new ArgumentException($"--tls-key '{TlsKeyFile}' does not exist.");
        if (Threads < 0) throw new ArgumentException($"--threads {Threads} must be ≥ 0 (0 = every core).");
        if (MaxEnvs < 1) throw new ArgumentException($"--max-envs {MaxEnvs} must be at least 1.");
        if (MaxEnvMemoryMb is double m && !(m >= 1)) throw new ArgumentException($"--max-env-memory-mb {m} must be at least 1.");
        if (MaxMessageBytes < 4096) throw new ArgumentException($"--max-message-bytes {MaxMessageBytes} must be at least 4096.");
        // Anyone who can reach a non-loopback address could drive the simulators: require a token there.
        if (!IsLoopbackOnly && ResolveToken() is null)
            throw new ArgumentException(
                $"refusing to listen on {Host}:{Port} without an auth token: give --token-file FILE or set {TokenVariable} " +
                "(clients send it as 'authorization: Bearer <token>'), or bind 127.0.0.1.");
    }
}
