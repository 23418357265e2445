using System.Net.Sockets;

namespace RL.Envs.Server;

/// <summary>
/// A server that could not bind its address, said as one line a user can act on. Kestrel's own text ("Failed to
/// bind to address http://127.0.0.1:50051: address already in use.") came after a logged stack trace; `rl serve
/// --port N` on a busy port must say which port on which address and what to do (issue 11).
/// </summary>
public sealed class ListenFailureException : IOException
{
    public ListenFailureException(string message, bool isUsageError, Exception inner) : base(message, inner) => IsUsageError = isUsageError;

    /// <summary>
    /// The address the command line asked for cannot be had (in use, not this machine's, privileged): the user fixes
    /// the command line, so `rl serve` exits with RL.Core.ExitCodes.Usage (2), not EnvFailure (3), which tells a
    /// trainer's pool of servers that keep failing apart from a bad --host or --port.
    /// </summary>
    public bool IsUsageError { get; }

    /// <summary>The failure of binding <paramref name="options"/>' address, from Kestrel's exception.</summary>
    public static ListenFailureException From(Exception e, ServerOptions options)
    {
        string where = options.UnixSocket is not null ? $"unix:{options.UnixSocket}" : $"{options.Host}:{options.Port}";
        string host = options.Host == "*" ? "every interface" : options.Host;
        var socket = Inner<SocketException>(e);
        bool inUse = Inner<Microsoft.AspNetCore.Connections.AddressInUseException>(e) is not null || socket?.SocketErrorCode == SocketError.AddressAlreadyInUse;
        if (options.UnixSocket is null && inUse)
            return new ListenFailureException(
                $"port {options.Port} on {host} is already in use (another server listens there: stop it, pick another --port, or --port 0 for a free one).", true, e);
        if (options.UnixSocket is null && socket?.SocketErrorCode == SocketError.AddressNotAvailable)
            return new ListenFailureException(
                $"cannot listen on {where}: {options.Host} is not an address of this machine (use one of its own addresses, 127.0.0.1, or '*' for every interface).", true, e);
        if (socket?.SocketErrorCode == SocketError.AccessDenied)
            return new ListenFailureException(
                $"cannot listen on {where}: permission denied{(options.UnixSocket is null && options.Port is > 0 and < 1024 ? " (ports below 1024 need privileges; use one from 1024 up)" : "")}.", true, e);
        return new ListenFailureException($"env server cannot listen on {where}: {e.Message}", false, e);
    }

    private static T? Inner<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }
}
