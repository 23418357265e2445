using Grpc.Core;

namespace RL.Envs.Server;

/// <summary>The server's errors as gRPC statuses; every message names the request field it is about.</summary>
internal static class Statuses
{
    public static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));
    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));
    public static RpcException ResourceExhausted(string message) => new(new Status(StatusCode.ResourceExhausted, message));
    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));
    public static RpcException Unavailable(string message) => new(new Status(StatusCode.Unavailable, message));
    public static RpcException Internal(string message) => new(new Status(StatusCode.Internal, message));
}
