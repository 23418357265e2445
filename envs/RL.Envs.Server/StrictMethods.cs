using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using RL.Envs.Remote.Protocol;

namespace RL.Envs.Server;

/// <summary>
/// Binds EnvService's methods with marshallers that turn a malformed request into INVALID_ARGUMENT. With the
/// generated binding a message that fails to parse surfaces as UNKNOWN ("Exception was thrown by handler"), which
/// tells a client nothing; the fuzz test holds the server to the statuses env.proto lists.
/// </summary>
internal sealed class StrictMethods : IServiceMethodProvider<EnvServiceImpl>
{
    private const string Service = "rl.env.v1.EnvService";

    private static Marshaller<T> Strict<T>(MessageParser<T> parser) where T : class, IMessage<T> =>
        Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"{typeof(T).Name}: malformed message: {e.Message}"));
                }
            });

    private static Method<TRequest, TReply> M<TRequest, TReply>(MethodType type, string name, MessageParser<TRequest> request, MessageParser<TReply> reply)
        where TRequest : class, IMessage<TRequest> where TReply : class, IMessage<TReply> =>
        new(type, Service, name, Strict(request), Strict(reply));

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<EnvServiceImpl> context)
    {
        var metadata = new List<object>();
        context.AddUnaryMethod(M(MethodType.Unary, "Describe", DescribeRequest.Parser, DescribeReply.Parser), metadata, (s, r, c) => s.Describe(r, c));
        context.AddUnaryMethod(M(MethodType.Unary, "Open", OpenRequest.Parser, OpenReply.Parser), metadata, (s, r, c) => s.Open(r, c));
        context.AddUnaryMethod(M(MethodType.Unary, "Reset", ResetRequest.Parser, ResetReply.Parser), metadata, (s, r, c) => s.Reset(r, c));
        context.AddDuplexStreamingMethod(M(MethodType.DuplexStreaming, "Step", StepRequest.Parser, StepReply.Parser), metadata, (s, requests, replies, c) => s.Step(requests, replies, c));
        context.AddUnaryMethod(M(MethodType.Unary, "Close", CloseRequest.Parser, CloseReply.Parser), metadata, (s, r, c) => s.Close(r, c));
    }
}
