using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RL.Envs.Remote;

namespace RL.Envs.Server;

/// <summary>
/// A running env server: Kestrel speaking HTTP/2 (cleartext by default, TLS from PEM files), the EnvService, the
/// standard grpc.health.v1 service and the token check. Used in-process by tests and by <c>rl serve</c>.
/// </summary>
public sealed class EnvServerHost : IAsyncDisposable
{
    /// <summary>The line a server prints on stdout once it listens; a pool's launcher waits for it.</summary>
    public const string ListeningPrefix = "rl-env-server listening on ";

    private readonly WebApplication _app;

    private EnvServerHost(WebApplication app, EnvEndpoint endpoint, EnvEndpoint listeningOn)
    {
        _app = app;
        Endpoint = endpoint;
        ListeningOn = listeningOn;
    }

    private const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Where a client on this machine reaches the server (the actual port when 0 was asked for; loopback for a wildcard bind).</summary>
    public EnvEndpoint Endpoint { get; }

    /// <summary>The address actually bound (0.0.0.0, [::] or a given IP), as the listening line prints it.</summary>
    public EnvEndpoint ListeningOn { get; }

    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Validates <paramref name="options"/>, binds and starts serving; throws naming the problem (a bad option, a port in use).</summary>
    public static async Task<EnvServerHost> StartAsync(ServerOptions options, EnvRegistry? registry = null, CancellationToken ct = default)
    {
        options.Validate();
        string? token = options.ResolveToken();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });

        // Logging at Information costs ~40 % of throughput on the hot path (grpc-notes.md): Warning by default, on stderr
        // (stdout carries the listening line).
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The host logs a failed start ("Hosting failed to start") with its whole stack trace before StartAsync throws;
        // the caller reports that failure itself, in one line (issue 11: a busy --port printed a trace). Once started,
        // the host's errors are logged as before.
        bool started = false;
        builder.Logging.AddFilter(HostLogCategory, _ => Volatile.Read(ref started));

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        if (options.Managed) builder.Services.AddSingleton<IHostLifetime, ManagedChildLifetime>();

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // gRPC enforces its own message limit below, with the right status.
            void Configure(ListenOptions lo)
            {
                lo.Protocols = HttpProtocols.Http2;
                if (options.TlsCertificateFile is not null)
                    lo.UseHttps(X509Certificate2.CreateFromPemFile(options.TlsCertificateFile, options.TlsKeyFile));
            }
            if (options.UnixSocket is not null)
            {
                if (File.Exists(options.UnixSocket)) File.Delete(options.UnixSocket); // a stale socket from a dead server
                k.ListenUnixSocket(options.UnixSocket, Configure);
            }
            else if (options.Host == "*") k.ListenAnyIP(options.Port, Configure);
            else if (options.Host == "localhost") k.Listen(IPAddress.Loopback, options.Port, Configure);
            else k.Listen(IPAddress.Parse(options.Host), options.Port, Configure);
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ServerToken(token));
        builder.Services.AddSingleton(registry ?? EnvCatalog.Create(options.Slot, options.AllowTestEnvs));
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<StepSocketServer>();
        builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<EnvServiceImpl>, StrictMethods>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.MaxMessageBytes;
            o.MaxSendMessageSize = null;
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<TokenAuthInterceptor>();
        });
        builder.Services.AddGrpcHealthChecks(o =>
        {
            o.Services.Map("", _ => true);
            o.Services.Map("rl.env.v1.EnvService", _ => true);
        }).AddCheck("serving", () => HealthCheckResult.Healthy());

        var app = builder.Build();
        app.MapGrpcService<EnvServiceImpl>();
        app.MapGrpcHealthChecksService();
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw ListenFailureException.From(e, options);
        }
        Volatile.Write(ref started, true);
        var steps = app.Services.GetRequiredService<StepSocketServer>();
        if (options.StepSocket) steps.Start();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<BatchStore>().Dispose();
            steps.Dispose();
        });
        var bound = BoundEndpoint(app, options);
        return new EnvServerHost(app, Reachable(bound), bound);
    }

    private static EnvEndpoint BoundEndpoint(WebApplication app, ServerOptions options)
    {
        if (options.UnixSocket is not null) return EnvEndpoint.UnixSocket(options.UnixSocket);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        return EnvEndpoint.Tcp(uri.Host.Trim('[', ']'), uri.Port, options.TlsCertificateFile is not null);
    }

    // A wildcard bind is reached through loopback from this machine; the listening line still prints the bind itself
    // (`--host 0.0.0.0` used to print 127.0.0.1, which hid that the server was open to the network; issue 10, part 6).
    private static EnvEndpoint Reachable(EnvEndpoint bound) =>
        !bound.IsUnixSocket && IPAddress.TryParse(bound.Host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            ? EnvEndpoint.Tcp("127.0.0.1", bound.Port, bound.Tls)
            : bound;

    /// <summary>Runs a server until it is stopped (Ctrl-C / SIGTERM, or stdin closing when managed); the process exit code.</summary>
    public static async Task<int> RunAsync(ServerOptions options, TextWriter stdout, TextWriter stderr)
    {
        // A managed server ignores the group's SIGINT/SIGTERM from its first moments, not only once the host runs:
        // a server still starting when a group SIGTERM came (an evaluation pool's) died of it, and the trainer's
        // pool failed to start instead of writing its final checkpoint (issue 10, part 2).
        using var ignored = options.Managed ? ManagedChildLifetime.IgnoreGroupSignals() : null;
        EnvServerHost host;
        try
        {
            host = await StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or IOException or System.Security.Cryptography.CryptographicException)
        {
            await stderr.WriteLineAsync($"rl serve: {e.Message}").ConfigureAwait(false);
            // RL_DEBUG as in RL.Cli's CommandFailure: the trace for a bug report, never by default.
            if (Environment.GetEnvironmentVariable("RL_DEBUG") is string debug && debug.Length > 0 && debug != "0")
                await stderr.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            // 2 and 1 are RL.Core.ExitCodes.Usage and Failure (this project does not reference RL.Core).
            return e is ArgumentException or ListenFailureException { IsUsageError: true } ? 2 : 1;
        }
        await using (host.ConfigureAwait(false))
        {
            await stdout.WriteLineAsync($"{ListeningPrefix}{host.ListeningOn} (pid {Environment.ProcessId})").ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
            await host._app.WaitForShutdownAsync().ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>Stops serving: open streams get a second to finish, then are cut.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
