using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace RL.Envs.Server;

/// <summary>
/// The <c>serve</c> command line, shared by <c>rl serve</c> and the server's own executable
/// (<c>dotnet RL.Envs.Server.dll serve ...</c>), so both accept exactly the same options.
/// </summary>
public static class ServeCommand
{
    public static Command Create(string name = "serve")
    {
        var host = new Option<string>("--host") { Description = "IP address to listen on (127.0.0.1; '*' for every interface, which needs a token).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port; 0 picks a free one (printed on stdout).", DefaultValueFactory = _ => 50051 };
        var unixSocket = new Option<string?>("--unix-socket") { Description = "Listen on this Unix domain socket instead of TCP." };
        var stepSocket = new Option<bool>("--step-socket") { Description = "Also serve steps on a Unix socket for clients on this machine (Linux; pools turn it on for the servers they start): a fraction of a gRPC step's CPU cost." };
        var tokenFile = new Option<string?>("--token-file") { Description = $"File holding the auth token clients must send (or set {ServerOptions.TokenVariable}). Required off loopback." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate: serve TLS (with --tls-key)." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key for --tls-cert." };
        var threads = new Option<int>("--threads") { Description = "Threads a batch steps on (1: serially; 0: every core).", DefaultValueFactory = _ => 0 };
        var maxEnvs = new Option<int>("--max-envs") { Description = "Most envs open at once over all clients.", DefaultValueFactory = _ => 4096 };
        var maxMemory = new Option<double?>("--max-env-memory-mb")
        {
            Description = $"Budget in MiB for the estimated memory of all open envs (L2R ~3.5 MB each); an Open past it is RESOURCE_EXHAUSTED (default: {ServerOptions.DefaultMemoryFraction:P0} of this machine's or container's memory).",
        };
        var allowTestEnvs = new Option<bool>("--allow-test-envs") { Description = "Also serve the fault-injection env 'Fault' (it can crash or hang this server on request): tests and benchmarks only." };
        var maxMessage = new Option<int>("--max-message-bytes") { Description = "Largest message accepted and largest step reply a batch may produce.", DefaultValueFactory = _ => 1 << 20 };
        var idle = new Option<double>("--idle-timeout") { Description = "Seconds after which an untouched batch is closed.", DefaultValueFactory = _ => 600 };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Log level (Warning keeps logging off the step path).", DefaultValueFactory = _ => LogLevel.Warning };
        var managed = new Option<bool>("--managed") { Description = "Started by a worker pool: exit when stdin closes, ignore SIGINT and SIGTERM.", Hidden = true };
        var slot = new Option<int>("--slot") { Description = "This server's slot in its pool (the fault env's fail_slots reads it).", DefaultValueFactory = _ => -1, Hidden = true };

        var command = new Command(name, "Serve envs over gRPC (rl.env.v1) for local or remote trainers.")
        {
            host, port, unixSocket, stepSocket, tokenFile, tlsCert, tlsKey, threads, maxEnvs, maxMemory, allowTestEnvs, maxMessage, idle, logLevel, managed, slot,
        };
        command.SetAction(parse =>
        {
            var options = new ServerOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                UnixSocket = parse.GetValue(unixSocket),
                StepSocket = parse.GetValue(stepSocket),
                TokenFile = parse.GetValue(tokenFile),
                TlsCertificateFile = parse.GetValue(tlsCert),
                TlsKeyFile = parse.GetValue(tlsKey),
                Threads = parse.GetValue(threads),
                MaxEnvs = parse.GetValue(maxEnvs),
                MaxEnvMemoryMb = parse.GetValue(maxMemory),
                AllowTestEnvs = parse.GetValue(allowTestEnvs),
                MaxMessageBytes = parse.GetValue(maxMessage),
                BatchIdleTimeout = TimeSpan.FromSeconds(parse.GetValue(idle)),
                LogLevel = parse.GetValue(logLevel),
                Managed = parse.GetValue(managed),
                Slot = parse.GetValue(slot),
            };
            return EnvServerHost.RunAsync(options, Console.Out, Console.Error).GetAwaiter().GetResult();
        });
        return command;
    }
}
