using System.Net;
using System.Net.Sockets;

namespace RL.Envs.Remote;

/// <summary>
/// Where an env server listens: <c>host:port</c>, <c>http://host:port</c>, <c>https://host:port</c> (TLS) or
/// <c>unix:/path/to/socket</c>. Parsing errors name the text and where it came from.
/// </summary>
public sealed record EnvEndpoint
{
    private EnvEndpoint(string host, int port, string? socketPath, bool tls)
    {
        Host = host;
        Port = port;
        UnixSocketPath = socketPath;
        Tls = tls;
    }

    public string Host { get; }
    public int Port { get; }
    public string? UnixSocketPath { get; }
    public bool Tls { get; }

    public bool IsUnixSocket => UnixSocketPath is not null;

    /// <summary>The address handed to GrpcChannel.ForAddress (for a Unix socket a placeholder host, the socket is connected by hand).</summary>
    public Uri Address => IsUnixSocket
        ? new Uri("http://localhost")
        : new Uri($"{(Tls ? "https" : "http")}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}");

    /// <summary>True when the host is a name (not an IP address), so it may resolve to many servers.</summary>
    public bool IsDnsName => !IsUnixSocket && !IPAddress.TryParse(Host, out _) && Host != "localhost";

    public static EnvEndpoint Tcp(string host, int port, bool tls = false) => new(host, port, null, tls);

    public static EnvEndpoint UnixSocket(string path) => new("localhost", 0, path, false);

    public EnvEndpoint WithHost(IPAddress address) => new(address.ToString(), Port, null, Tls);

    public static EnvEndpoint Parse(string text, string source = "--env-endpoints")
    {
        string t = text.Trim();
        if (t.StartsWith("unix:", StringComparison.Ordinal))
        {
            string path = t["unix:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
            if (path.Length == 0) throw new ArgumentException($"{source}: '{text}' names no socket path (write unix:/path/to/socket).");
            return UnixSocket(path);
        }
        bool tls = false;
        if (t.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) { tls = true; t = t[8..]; }
        else if (t.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) t = t[7..];
        t = t.TrimEnd('/');
        string host;
        string portText;
        if (t.StartsWith('['))
        {
            int close = t.IndexOf(']');
            if (close < 0 || close + 1 >= t.Length || t[close + 1] != ':')
                throw new ArgumentException($"{source}: '{text}' is not [ipv6]:port.");
            host = t[1..close];
            portText = t[(close + 2)..];
        }
        else
        {
            int colon = t.LastIndexOf(':');
            if (colon <= 0 || t.IndexOf(':') != colon)
                throw new ArgumentException($"{source}: '{text}' is not host:port (e.g. 127.0.0.1:50051, env-servers.rl.svc:50051, unix:/run/rl.sock).");
            host = t[..colon];
            portText = t[(colon + 1)..];
        }
        if (!int.TryParse(portText, out int port) || port < 1 || port > 65535)
            throw new ArgumentException($"{source}: '{text}' has port '{portText}', expected 1-65535.");
        return Tcp(host, port, tls);
    }

    /// <summary>Parses a comma-separated list; empty entries are an error.</summary>
    public static IReadOnlyList<EnvEndpoint> ParseList(string text, string source = "--env-endpoints")
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0))
            throw new ArgumentException($"{source}: '{text}' has an empty entry.");
        return parts.Select(p => Parse(p, source)).ToList();
    }

    /// <summary>Connects a socket for this endpoint (used for Unix sockets, where HttpClient cannot).</summary>
    internal async ValueTask<Stream> ConnectUnixAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(UnixSocketPath!), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override string ToString() => IsUnixSocket ? $"unix:{UnixSocketPath}" : $"{(Tls ? "https://" : "")}{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
}
