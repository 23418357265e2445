using System.CommandLine;
using RL.Envs.Remote;
using RL.Envs.Server;

namespace RL.Cli.Commands;

/// <summary>
/// The command-line options that say where a command's env servers come from, shared by every command that steps
/// envs through gRPC: local child processes by default, or <c>--env-endpoints</c> (host:port,... or one DNS name
/// that resolves to many servers), with their token, CA, deadline and restart limits.
/// </summary>
public sealed class EnvWorkerOptions
{
    public Option<int> Servers { get; } = new("--env-servers") { Description = "Local env server processes to start (ignored with --env-endpoints).", DefaultValueFactory = _ => 2 };
    public Option<string?> Endpoints { get; } = new("--env-endpoints") { Description = "Remote env servers: host:port,... or one DNS name resolving to many (a Kubernetes headless service). No local servers then." };
    public Option<string?> TokenFile { get; } = new("--env-token-file") { Description = $"File holding the remote servers' auth token (default: ${ServerOptions.TokenVariable})." };
    public Option<string?> TrustedCertificate { get; } = new("--env-ca") { Description = "PEM certificate to trust for https:// endpoints (a private CA or a self-signed server certificate)." };
    public Option<double> StepDeadline { get; } = new("--env-step-deadline") { Description = "Minimum seconds a step may take before its server counts as hung (the deadline is max(this, 20 × p99)).", DefaultValueFactory = _ => 5 };
    public Option<int> MaxRestartsPerMinute { get; } = new("--env-max-restarts-per-minute") { Description = "More server restarts than this in a minute stop the run (exit code 3).", DefaultValueFactory = _ => 5 };
    public Option<int> MaxConsecutiveFailures { get; } = new("--env-max-consecutive-failures") { Description = "A server slot failing this often in a row stops the run (exit code 3).", DefaultValueFactory = _ => 10 };

    /// <summary>Adds the options to <paramref name="command"/>; <paramref name="withServerCount"/> false when the command has its own count (e.g. --workers).</summary>
    public void AddTo(Command command, bool withServerCount = true)
    {
        if (withServerCount) command.Options.Add(Servers);
        foreach (var o in new Option[] { Endpoints, TokenFile, TrustedCertificate, StepDeadline, MaxRestartsPerMinute, MaxConsecutiveFailures })
            command.Options.Add(o);
    }

    /// <summary>The pool options for <paramref name="envId"/>; a bad value is an <see cref="ArgumentException"/> naming the option.</summary>
    public RemoteEnvOptions Build(ParseResult parse, string envId, IReadOnlyDictionary<string, string> envOptions, int envsPerServer, ulong masterSeed, int? localServers = null)
    {
        string? endpoints = parse.GetValue(Endpoints);
        return BuildTemplate(parse) with
        {
            EnvId = envId,
            EnvOptions = envOptions,
            EnvsPerServer = envsPerServer,
            LocalServers = localServers ?? parse.GetValue(Servers),
            Endpoints = endpoints is null ? Array.Empty<EnvEndpoint>() : EnvEndpoint.ParseList(endpoints),
            MasterSeed = masterSeed,
        };
    }

    /// <summary>
    /// What the options say about reaching servers (token, trusted CA, deadlines, restart limits), for sources that
    /// take the env, counts and endpoints from elsewhere (a training config).
    /// </summary>
    public RemoteEnvOptions BuildTemplate(ParseResult parse)
    {
        string? tokenFile = parse.GetValue(TokenFile);
        string? token = null;
        if (tokenFile is not null)
        {
            if (!File.Exists(tokenFile)) throw new ArgumentException($"--env-token-file '{tokenFile}' does not exist.");
            token = File.ReadAllText(tokenFile).Trim();
        }
        else if (Environment.GetEnvironmentVariable(ServerOptions.TokenVariable) is { Length: > 0 } fromEnv) token = fromEnv.Trim();
        double deadline = parse.GetValue(StepDeadline);
        if (!(deadline > 0)) throw new ArgumentException($"--env-step-deadline {deadline} must be positive.");
        return new RemoteEnvOptions
        {
            EnvId = "unset",
            Token = token,
            TrustedCertificateFile = parse.GetValue(TrustedCertificate),
            Deadlines = new EnvDeadlines { MinStep = TimeSpan.FromSeconds(deadline) },
            Restarts = new RestartPolicy
            {
                MaxRestartsPerMinute = parse.GetValue(MaxRestartsPerMinute),
                MaxConsecutiveFailuresPerSlot = parse.GetValue(MaxConsecutiveFailures),
            },
        };
    }

    /// <summary>Parses repeated <c>key=value</c> env options, naming a malformed one.</summary>
    public static Dictionary<string, string> ParseEnvOptions(IEnumerable<string>? pairs, string option = "--option")
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs ?? Array.Empty<string>())
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"{option} '{pair}' is not key=value (e.g. {option} difficulty=2).");
            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return result;
    }
}
