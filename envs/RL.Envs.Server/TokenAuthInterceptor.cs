using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RL.Envs.Server;

/// <summary>The token a server requires (null: none), registered once per server.</summary>
public sealed record ServerToken(string? Value);

/// <summary>
/// Rejects calls without the server's bearer token with UNAUTHENTICATED. The standard health service stays open:
/// Kubernetes gRPC probes cannot send metadata, and health reveals nothing.
/// </summary>
internal sealed class TokenAuthInterceptor : Interceptor
{
    private readonly byte[]? _expected;

    public TokenAuthInterceptor(ServerToken token) =>
        _expected = token.Value is null ? null : Encoding.UTF8.GetBytes(token.Value);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (_expected is null || context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal)) return;
        string? header = context.RequestHeaders.GetValue("authorization");
        const string prefix = "Bearer ";
        if (header is null || !header.StartsWith(prefix, StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "this env server requires a token: send metadata 'authorization: Bearer <token>' (the client's --env-token-file or RL_ENV_TOKEN)."));
        byte[] given = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        // Constant-time comparison, so response timing does not reveal how much of a guess was right.
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "wrong auth token for this env server."));
    }
}
