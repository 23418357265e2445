using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RL.Envs.Remote.Protocol;

namespace RL.Envs.Server;

/// <summary>
/// The rl.env.v1.EnvService implementation: validation, status codes and the lock-step stream. The env work
/// itself is in <see cref="EnvBatch"/>; the contract (and its status table) is documented in env.proto. Bound by
/// <see cref="StrictMethods"/> rather than the generated base class, so malformed messages get INVALID_ARGUMENT.
/// </summary>
internal sealed class EnvServiceImpl
{
    public const string ServerName = "rl-env-server";

    private readonly EnvRegistry _registry;
    private readonly BatchStore _store;
    private readonly ServerOptions _options;
    private readonly StepSocketServer _steps;
    private readonly ILogger _log;

    public EnvServiceImpl(EnvRegistry registry, BatchStore store, ServerOptions options, StepSocketServer steps, ILogger<EnvServiceImpl> log)
    {
        _registry = registry;
        _store = store;
        _options = options;
        _steps = steps;
        _log = log;
    }

    public static string Version => typeof(EnvServiceImpl).Assembly.GetName().Version?.ToString(3) ?? "0";

    public Task<DescribeReply> Describe(DescribeRequest request, ServerCallContext context)
    {
        var reply = new DescribeReply { Server = Info() };
        foreach (string id in _registry.Ids.OrderBy(i => i, StringComparer.Ordinal))
            reply.Envs.Add(new EnvEntry { Id = id, Description = _registry.Describe(id) });
        if (request.EnvId.Length > 0)
        {
            var options = new EnvOptions(request.Options, "DescribeRequest.options");
            using var env = Create(request.EnvId, options, "DescribeRequest.env_id");
            reply.Spec = env.Spec.ToProto();
            foreach (var (k, v) in options.Effective) reply.AcceptedOptions[k] = v;
        }
        return Task.FromResult(reply);
    }

    public Task<OpenReply> Open(OpenRequest request, ServerCallContext context)
    {
        if (request.NumEnvs < 1)
            throw Statuses.InvalidArgument($"OpenRequest.num_envs = {request.NumEnvs}: must be at least 1.");
        if (request.NumEnvs > _options.MaxEnvs)
            throw Statuses.ResourceExhausted($"OpenRequest.num_envs = {request.NumEnvs}: more than this server's limit of {_options.MaxEnvs} envs (--max-envs).");
        EnvBatch.CheckSeeds(request.Seeds, request.NumEnvs, "OpenRequest.seeds");
        CheckEnvId(request.EnvId, "OpenRequest.env_id");
        // Frame skip travels as options["frame_skip"] only (issue 16); the old field is refused, not merged.
#pragma warning disable CS0612 // OpenRequest.frame_skip is deprecated in the contract
        if (request.FrameSkip != 0)
            throw Statuses.InvalidArgument($"OpenRequest.frame_skip = {request.FrameSkip} is deprecated and no longer read: send options[\"frame_skip\"] = \"{request.FrameSkip}\" instead.");
#pragma warning restore CS0612
        var given = new Dictionary<string, string>(request.Options);

        int n = (int)request.NumEnvs;
        long bytesPerEnv = EnvCatalog.BytesPerEnv(request.EnvId);
        _store.Reserve(request.EnvId, n, bytesPerEnv);
        var envs = new List<IEnv>(n);
        EnvBatch? batch = null;
        try
        {
            var first = new EnvOptions(given, "OpenRequest.options");
            envs.Add(Create(request.EnvId, first, "OpenRequest.env_id"));
            var spec = envs[0].Spec;
            // Checked on the first env, before building the others.
            long worst = EnvBatch.WorstCaseReplyBytes(n, spec.ObservationSize, spec.RewardTermNames.Length);
            if (worst > _options.MaxMessageBytes)
                throw Statuses.InvalidArgument(
                    $"OpenRequest.num_envs = {n}: a step reply of {n} '{spec.Id}' envs can reach {worst} bytes, over this server's limit of {_options.MaxMessageBytes} " +
                    $"(at most {MaxEnvsPerBatch(spec)} envs per batch here; open several batches, and keep messages under ~80 KB for speed).");
            for (int i = 1; i < n; i++)
            {
                // A client whose deadline passed has gone: stop building envs for it.
                context.CancellationToken.ThrowIfCancellationRequested();
                envs.Add(Create(request.EnvId, new EnvOptions(given, "OpenRequest.options"), "OpenRequest.env_id"));
            }
            batch = new EnvBatch(_store.NextId(), envs, parallel: _options.EffectiveThreads > 1 && n > 1, first.Effective.ToDictionary(), request.Client,
                bytesPerEnv, _ => _store.Release(n, bytesPerEnv));
            var reply = new OpenReply { BatchId = batch.Id, Spec = spec.ToProto() };
            if (_steps.Address is string address)
            {
                reply.StepSocket = address;
                reply.StepKey = Google.Protobuf.ByteString.CopyFrom(batch.StepKey);
            }
            foreach (var (k, v) in batch.EffectiveOptions) reply.EffectiveOptions[k] = v;
            using (batch.Enter("Open")) batch.Reset(request.Seeds, reply.Observations, "OpenRequest.seeds");
            if (!_store.Add(batch)) throw Statuses.Unavailable("Open: the env server is shutting down; open the batch on another server.");
            _log.LogInformation("opened batch {Batch}: {Count} '{Env}' envs for {Client}", batch.Id, n, request.EnvId, request.Client);
            return Task.FromResult(reply);
        }
        catch
        {
            // Closing frees the envs and returns the reservation (once, whoever closes first).
            if (batch is not null) batch.Close(StatusCode.NotFound, $"batch {batch.Id} was never opened: its Open failed.");
            else
            {
                foreach (var env in envs) env.Dispose();
                _store.Release(n, bytesPerEnv);
            }
            throw;
        }
    }

    public Task<ResetReply> Reset(ResetRequest request, ServerCallContext context)
    {
        var batch = _store.Get(request.BatchId, "ResetRequest.batch_id");
        var reply = new ResetReply();
        using (batch.Enter("Reset")) batch.Reset(request.Seeds, reply.Observations, "ResetRequest.seeds");
        return Task.FromResult(reply);
    }

    public async Task Step(IAsyncStreamReader<StepRequest> requestStream, IServerStreamWriter<StepReply> responseStream, ServerCallContext context)
    {
        EnvBatch? batch = null;
        // One reply object per stream, refilled each step: it is serialized before WriteAsync completes.
        var reply = new StepReply();
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                if (batch is null) batch = _store.Get(request.BatchId, "StepRequest.batch_id");
                else if (request.BatchId != batch.Id)
                    throw Statuses.InvalidArgument($"StepRequest.batch_id = {request.BatchId}: this stream steps batch {batch.Id}; open one stream per batch.");
                using (batch.Enter("Step")) batch.Step(request, reply);
                await responseStream.WriteAsync(reply).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            // The client dropped the stream (its deadline passed, it was lost, or it moved on): routine, not an error.
            _log.LogDebug("step stream of batch {Batch} ended by the client: {Message}", batch?.Id, e.Message);
        }
    }

    public Task<CloseReply> Close(CloseRequest request, ServerCallContext context)
    {
        if (_store.Close(request.BatchId)) _log.LogInformation("closed batch {Batch}", request.BatchId);
        return Task.FromResult(new CloseReply());
    }

    private ServerInfo Info() => new()
    {
        Name = ServerName,
        Version = Version,
        Protocol = "rl.env.v1",
        MaxEnvs = (uint)_options.MaxEnvs,
        OpenEnvs = (uint)Math.Max(0, _store.OpenEnvs),
        MaxMessageBytes = (uint)_options.MaxMessageBytes,
        Threads = (uint)_options.EffectiveThreads,
        ProcessId = Environment.ProcessId,
    };

    private int MaxEnvsPerBatch(RL.Envs.EnvSpec spec)
    {
        int n = 1;
        while (EnvBatch.WorstCaseReplyBytes(n + 1, spec.ObservationSize, spec.RewardTermNames.Length) <= _options.MaxMessageBytes) n++;
        return n;
    }

    /// <summary>An env id this server hosts, or INVALID_ARGUMENT naming the field, the hosted ids and, for a test env, the flag that serves it.</summary>
    private void CheckEnvId(string envId, string idField)
    {
        if (envId.Length == 0) throw Statuses.InvalidArgument($"{idField} is empty; this server hosts: {string.Join(", ", _registry.Ids.OrderBy(i => i))}.");
        if (_registry.Ids.Contains(envId)) return;
        if (EnvCatalog.TestEnvIds.Contains(envId))
            throw Statuses.InvalidArgument(
                $"{idField} = '{envId}': the fault-injection test env is served only by a server started with --allow-test-envs; this server hosts: {string.Join(", ", _registry.Ids.OrderBy(i => i))}.");
        try { _registry.Describe(envId); }
        catch (ArgumentException e) { throw Statuses.InvalidArgument($"{idField}: {e.Message}"); }
    }

    /// <summary>Builds one env; the registry's ArgumentExceptions (unknown env, unknown or bad option) become INVALID_ARGUMENT.</summary>
    private IEnv Create(string envId, EnvOptions options, string idField)
    {
        CheckEnvId(envId, idField);
        try
        {
            return _registry.Create(envId, options);
        }
        catch (ArgumentException e)
        {
            throw Statuses.InvalidArgument(e.Message);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Statuses.Internal($"{idField} = '{envId}': creating the env failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
