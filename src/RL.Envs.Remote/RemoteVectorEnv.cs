using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grpc.Core;
using RL.Envs.Random;
using RL.Envs.Remote.Protocol;
using RL.Envs.Vector;

namespace RL.Envs.Remote;

/// <summary>
/// One group: a batch of envs on one env server, behind <see cref="IVectorEnv"/> (SAME_STEP autoreset, final
/// observations and episode summaries exactly as the in-process SyncVectorEnv gives them). One lock-step stream
/// carries its steps, with a deadline on every step. When its server dies, hangs past the deadline or answers
/// garbage, <see cref="Step"/> throws <see cref="EnvWorkerLostException"/>: the episodes in flight are dropped and
/// counted (never bootstrapped from a missing state) and the step is not retried. The next <see cref="Reset"/>
/// waits (bounded) for the pool's replacement server and opens a fresh batch there. Steps to a server this pool started
/// on this machine go through its local step channel (<see cref="StepChannel"/>, <see cref="RemoteEnvOptions.LocalTransport"/>)
/// instead of the Step stream, with the same results, deadlines and loss handling. Not thread-safe: one sampler loop
/// per group.
/// </summary>
public sealed class RemoteVectorEnv : IVectorEnv
{
    private readonly EnvWorkerPool _pool;
    private readonly ServerSlot _slot;
    private readonly RemoteEnvOptions _o;
    private readonly int _obs, _act;
    private readonly StepRequest _request = new();
    private readonly float[] _actions;
    private readonly int[] _lengths;
    private readonly double[] _returns, _scores;
    private readonly long?[] _seeds;
    private readonly LatencyWindow _latency = new();
    private CancellationTokenSource _stepTimer = new();
    private ServerConnection? _connection;
    private AsyncDuplexStreamingCall<StepRequest, StepReply>? _call;
    private StepChannel? _channel;
    private string? _channelAddress;
    private byte[] _channelKey = Array.Empty<byte>();
    private Exception? _sendFailure;
    private long _sentAt;
    private VectorStepResult? _pendingResult;
    private ValueTask _pendingStream;
    private ulong _batchId;
    private ulong _seq;
    private bool _live;
    private int _opens;
    private TimeSpan _stepDeadline;
    private long _deadlineAt;
    private bool _disposed;

    internal RemoteVectorEnv(EnvWorkerPool pool, ServerSlot slot, int index, EnvSpec spec, int numEnvs)
    {
        _pool = pool;
        _slot = slot;
        _o = pool.Options;
        Index = index;
        Spec = spec;
        NumEnvs = numEnvs;
        _obs = spec.ObservationSize;
        _act = spec.ActionSize;
        _actions = new float[numEnvs * _act];
        _lengths = new int[numEnvs];
        _returns = new double[numEnvs];
        _scores = new double[numEnvs];
        _seeds = new long?[numEnvs];
        _stepDeadline = _o.Deadlines.MinStep;
    }

    public EnvSpec Spec { get; }
    public int NumEnvs { get; }

    /// <summary>The group's number in its pool (= its server slot).</summary>
    public int Index { get; }

    public string Name => $"env group {Index} on {_connection?.Name ?? _slot.Name}";

    /// <summary>How this group's steps travel now: "socket" (the local step channel) or "grpc" (the Step stream).</summary>
    public string Transport => _channelAddress is null ? "grpc" : "socket";

    /// <summary>True while the group has an open batch on a live server (it can step).</summary>
    public bool IsLive => _live;

    /// <summary>True when the group's slot has a healthy server right now (a Reset would not wait).</summary>
    public bool ServerReady => _slot.IsHealthy;

    /// <summary>Round-trip times of the recent steps (client side, seconds).</summary>
    public LatencyWindow StepLatency => _latency;

    /// <summary>The step deadline in force: max(min, factor × rolling p99), R3.</summary>
    public TimeSpan StepDeadline => _stepDeadline;

    /// <summary>Seconds the server spent stepping, summed over this group's steps (the rest of the latency is transport).</summary>
    public double ServerStepSeconds { get; private set; }

    /// <summary>
    /// Seconds this client spent copying actions into requests and replies out into step results, summed over the
    /// group's steps (part of the round trip that is neither the server's stepping nor the wire; issue 16).
    /// </summary>
    public double ClientCopySeconds { get; private set; }

    /// <summary>The process id of the local server this group is on, if it is local.</summary>
    public int? ServerProcessId => _connection?.ProcessId ?? _slot.Current?.ProcessId;

    /// <summary>The seed of env <paramref name="env"/>'s current episode: the one sent, or the one its server reported for an autoreset.</summary>
    public long? EpisodeSeed(int env) => _seeds[env];

    /// <summary>Summaries (reason <see cref="EndReason.ServerLost"/>) of the episodes dropped at the group's last loss.</summary>
    public IReadOnlyList<EpisodeSummary> LostEpisodes { get; private set; } = Array.Empty<EpisodeSummary>();

    // --- Reset ---

    /// <summary>
    /// Resets every env (seeds: none, or one per env). After the group's server was lost, waits (up to the restore
    /// timeout) for the replacement and opens a fresh batch there. A batch opened without seeds gets seeds derived
    /// from <see cref="RemoteEnvOptions.MasterSeed"/>, the group and how often it opened, so replacements never replay
    /// earlier episodes and two runs with the same master seed open the same streams.
    /// </summary>
    public void Reset(ReadOnlySpan<long> seeds, Span<float> observations)
    {
        if (observations.Length != NumEnvs * _obs)
            throw new ArgumentException($"{Name}: Reset needs an observation buffer of {NumEnvs}×{_obs} = {NumEnvs * _obs}, got {observations.Length}.");
        var obs = ResetAsync(seeds.ToArray(), CancellationToken.None).GetAwaiter().GetResult();
        obs.AsSpan().CopyTo(observations);
    }

    /// <summary>Resets every env; after a loss, waits for the replacement and opens a new batch. Returns the observations.</summary>
    public async Task<float[]> ResetAsync(long[] seeds, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _pool.ThrowIfFailed();
        if (seeds.Length != 0 && seeds.Length != NumEnvs)
            throw new ArgumentException($"{Name}: Reset got {seeds.Length} seeds for {NumEnvs} envs (give none or one per env).");

        if (_live && _connection is { } live && ReferenceEquals(_slot.Current, live))
        {
            var request = new ResetRequest { BatchId = _batchId };
            request.Seeds.AddRange(seeds);
            try
            {
                var reply = await live.Client.ResetAsync(request, live.Headers, DateTime.UtcNow + _o.Deadlines.Reset, ct).ConfigureAwait(false);
                var obs = CheckObservations(reply.Observations, "ResetReply.observations");
                CloseStream(graceful: true); // a fresh stream after a reset keeps seq numbering simple
                StartEpisodes(seeds);
                return obs;
            }
            catch (RpcException e) when (IsCallerError(e))
            {
                throw new ArgumentException($"{Name}: the server refused Reset: {e.Status.Detail}", e);
            }
            catch (Exception e) when (IsLoss(e) && !ct.IsCancellationRequested)
            {
                // The caller abandons the episodes in flight anyway: they are not counted as dropped.
                StartEpisodes(Array.Empty<long>());
                await LoseAsync(live, e is RpcException { StatusCode: StatusCode.DeadlineExceeded }, Describe(e), e).ConfigureAwait(false);
            }
        }
        return await OpenAsync(seeds, ct).ConfigureAwait(false);
    }

    private async Task<float[]> OpenAsync(long[] seeds, CancellationToken ct)
    {
        var until = DateTime.UtcNow + _o.Restarts.RestoreTimeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new EnvWorkerLostException(_slot.Name, $"no batch could be opened within {_o.Restarts.RestoreTimeout.TotalSeconds:F0} s", timedOut: true);
            var connection = await _slot.WaitReadyAsync(left, ct).ConfigureAwait(false);
            long[] s = seeds.Length > 0 ? seeds : DerivedSeeds();
            var request = new OpenRequest
            {
                EnvId = _o.EnvId,
                NumEnvs = (uint)NumEnvs,
                Client = $"{Environment.MachineName} pid {Environment.ProcessId} group {Index}",
            };
            foreach (var (k, v) in _pool.EffectiveEnvOptions) request.Options[k] = v;
            request.Seeds.AddRange(s);
            try
            {
                var reply = await connection.Client.OpenAsync(request, connection.Headers, DateTime.UtcNow + _o.Deadlines.Open, ct).ConfigureAwait(false);
                var spec = reply.Spec.FromProto($"{connection.Name} OpenReply");
                if (spec.ObservationSize != _obs || spec.ActionSize != _act)
                    throw new InvalidOperationException($"{connection.Name} serves '{spec.Id}' with {spec.ObservationSize} observations and {spec.ActionSize} actions, but this pool's env has {_obs} and {_act}: all servers must run the same env version.");
                var obs = CheckObservations(reply.Observations, "OpenReply.observations");
                CloseStream(graceful: true);
                _connection = connection;
                _batchId = reply.BatchId;
                // Only a server this pool started is known to share this machine (a remote address could be anywhere).
                _channelAddress = _o.LocalTransport == LocalTransport.Socket && connection.ProcessId is not null && reply.StepSocket.Length > 0 ? reply.StepSocket : null;
                _channelKey = reply.StepKey.ToByteArray();
                _seq = 0;
                _opens++;
                _live = true;
                StartEpisodes(s);
                return obs;
            }
            catch (RpcException e) when (IsCallerError(e) || e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unimplemented or StatusCode.ResourceExhausted)
            {
                // A configuration problem, not a worker fault: restarting the server would not help.
                throw new InvalidOperationException($"{connection.Name} refused to open {NumEnvs} '{_o.EnvId}' envs: {e.StatusCode}: {e.Status.Detail}", e);
            }
            catch (Exception e) when (IsLoss(e) && !ct.IsCancellationRequested)
            {
                if (e is RpcException { StatusCode: StatusCode.Internal or StatusCode.NotFound or StatusCode.FailedPrecondition } r
                    && await connection.IsServingAsync(_o.Deadlines.Health).ConfigureAwait(false))
                {
                    // The server is fine but cannot build the env (a missing model file, a broken env): retrying or
                    // restarting would fail the same way.
                    throw new InvalidOperationException($"{connection.Name} cannot open {NumEnvs} '{_o.EnvId}' envs: {r.StatusCode}: {r.Status.Detail}", e);
                }
                await LoseAsync(connection, e is RpcException { StatusCode: StatusCode.DeadlineExceeded }, Describe(e), e).ConfigureAwait(false);
            }
        }
    }

    // A batch opened without caller seeds still gets distinct, reproducible streams: derived from the pool's master
    // seed, the slot and how often this group has opened (so a replacement does not replay the lost episodes).
    private long[] DerivedSeeds()
    {
        var seeds = new long[NumEnvs];
        for (int i = 0; i < NumEnvs; i++) seeds[i] = SeedSequence.DeriveEnvSeed(_o.MasterSeed, $"env-server-{Index}", (long)_opens * NumEnvs + i);
        return seeds;
    }

    // --- Step ---

    public void Step(ReadOnlySpan<float> actions, VectorStepResult result)
    {
        PrepareStep(actions);
        SendPrepared(result);
        CompleteStep();
    }

    /// <summary>
    /// Sends the prepared actions (a step channel write, or the start of a Step stream round trip); <see cref="CompleteStep"/>
    /// then waits for the reply and fills <paramref name="result"/>. Between the two the caller may send to other groups,
    /// whose servers then step at the same time.
    /// </summary>
    internal void SendPrepared(VectorStepResult result)
    {
        _pendingResult = result;
        if (_channelAddress is null)
        {
            _pendingStream = StepPreparedAsync(result);
            return;
        }
        _sendFailure = null;
        _sentAt = Stopwatch.GetTimestamp();
        try
        {
            _channel ??= StepChannel.Connect(_channelAddress, _batchId, _channelKey, NumEnvs, _obs, _act, Spec.RewardTermNames.Length, _o.Deadlines.Open);
            _channel.SetTimeout(_stepDeadline);
            long copy = Stopwatch.GetTimestamp();
            _channel.Send(++_seq, _actions);
            ClientCopySeconds += Stopwatch.GetElapsedTime(copy).TotalSeconds;
        }
        catch (Exception e) when (e is RpcException || IsLoss(e))
        {
            // Reported by CompleteStep, where a stream's failure would surface too.
            _sendFailure = e;
        }
    }

    /// <summary>Waits for the reply of <see cref="SendPrepared"/>; a lost server throws <see cref="EnvWorkerLostException"/>.</summary>
    internal void CompleteStep()
    {
        var result = _pendingResult!;
        _pendingResult = null;
        if (_channelAddress is null)
        {
            var pending = _pendingStream;
            _pendingStream = default;
            if (pending.IsCompletedSuccessfully) pending.GetAwaiter().GetResult();
            else pending.AsTask().GetAwaiter().GetResult();
            return;
        }
        var connection = _connection!;
        ReadOnlySpan<byte> frame;
        try
        {
            if (_sendFailure is { } failed) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
            frame = _channel!.Receive();
        }
        catch (RpcException e) when (IsCallerError(e))
        {
            CloseStream();
            throw new ArgumentException($"{Name}: the server rejected the step: {e.Status.Detail}", e);
        }
        catch (Exception e) when (e is RpcException || IsLoss(e))
        {
            bool timedOut = e is TimeoutException;
            string why = timedOut ? $"no step reply within the {_stepDeadline.TotalSeconds:F1} s deadline (hung or stopped)" : Describe(e);
            throw LoseAsync(connection, timedOut, why, e).GetAwaiter().GetResult();
        }
        _latency.Add(Stopwatch.GetElapsedTime(_sentAt).TotalSeconds);
        UpdateDeadline();
        long filled = Stopwatch.GetTimestamp();
        string? broken = FillFrame(frame, result);
        ClientCopySeconds += Stopwatch.GetElapsedTime(filled).TotalSeconds;
        if (broken is not null) throw LoseAsync(connection, false, $"broken step reply: {broken}", null).GetAwaiter().GetResult();
    }

    /// <summary>Validates the actions and copies them in (so a caller can then step many groups concurrently).</summary>
    internal void PrepareStep(ReadOnlySpan<float> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _pool.ThrowIfFailed();
        if (!_live)
            throw new InvalidOperationException($"{Name}: Step before Reset, or after its server was lost (call Reset: it waits for the replacement).");
        if (actions.Length != _actions.Length)
            throw new ArgumentException($"{Name}: Step got {actions.Length} action values for {NumEnvs} envs × {_act} = {_actions.Length}.");
        for (int i = 0; i < actions.Length; i++)
            if (!float.IsFinite(actions[i]))
                throw new ArgumentException($"{Name}: action[{i}] (env {i / _act}, '{Spec.ActionNames[i % _act]}') is {actions[i]}; actions must be finite numbers (reliability.md R10).");
        actions.CopyTo(_actions);
    }

    /// <summary>Sends the prepared actions and fills <paramref name="result"/>; a lost server throws <see cref="EnvWorkerLostException"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask StepPreparedAsync(VectorStepResult result)
    {
        var connection = _connection!;
        StepReply reply;
        long start = Stopwatch.GetTimestamp();
        try
        {
            // No deadline on the stream itself (it lives for the whole run); each step gets its own below.
            _call ??= connection.Client.Step(connection.Headers);
            _request.BatchId = _batchId;
            _request.Seq = ++_seq;
            long copy = Stopwatch.GetTimestamp();
            _request.Actions.SetFrom(_actions);
            ClientCopySeconds += Stopwatch.GetElapsedTime(copy).TotalSeconds;
            _stepTimer.CancelAfter(_stepDeadline);
            await _call.RequestStream.WriteAsync(_request, _stepTimer.Token).ConfigureAwait(false);
            if (!await _call.ResponseStream.MoveNext(_stepTimer.Token).ConfigureAwait(false))
                throw new IOException("the server ended the step stream without a reply");
            reply = _call.ResponseStream.Current;
            if (!_stepTimer.TryReset())
            {
                _stepTimer.Dispose();
                _stepTimer = new CancellationTokenSource();
            }
        }
        catch (RpcException e) when (IsCallerError(e))
        {
            // Actions are validated here first, so this is a contract mismatch; the server left the batch unchanged.
            CloseStream();
            throw new ArgumentException($"{Name}: the server rejected the step: {e.Status.Detail}", e);
        }
        catch (Exception e) when (IsLoss(e))
        {
            bool timedOut = _stepTimer.IsCancellationRequested;
            string why = timedOut ? $"no step reply within the {_stepDeadline.TotalSeconds:F1} s deadline (hung or stopped)" : Describe(e);
            throw await LoseAsync(connection, timedOut, why, e).ConfigureAwait(false);
        }
        _latency.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        UpdateDeadline();
        ServerStepSeconds += reply.StepSeconds;
        long filled = Stopwatch.GetTimestamp();
        string? broken = Fill(reply, result);
        ClientCopySeconds += Stopwatch.GetElapsedTime(filled).TotalSeconds;
        if (broken is not null) throw await LoseAsync(connection, false, $"broken step reply: {broken}", null).ConfigureAwait(false);
    }

    private void UpdateDeadline()
    {
        // R3: max(min, factor × rolling p99); recomputed every 128 steps so sorting stays off most steps.
        if (_latency.Total - _deadlineAt < 128 || _latency.Count < 32) return;
        _deadlineAt = _latency.Total;
        double adaptive = _o.Deadlines.StepP99Factor * _latency.Percentile(0.99);
        _stepDeadline = TimeSpan.FromSeconds(Math.Max(_o.Deadlines.MinStep.TotalSeconds, adaptive));
    }

    private string? Fill(StepReply reply, VectorStepResult result)
    {
        int n = NumEnvs;
        if (reply.Seq != _seq) return $"seq {reply.Seq}, expected {_seq}";
        if (reply.Observations.Count != n * _obs) return $"{reply.Observations.Count} observation values, expected {n * _obs}";
        if (reply.Rewards.Count != n || reply.ScoreRewards.Count != n || reply.Terminated.Count != n || reply.Truncated.Count != n)
            return $"per-env arrays of {reply.Rewards.Count}/{reply.ScoreRewards.Count}/{reply.Terminated.Count}/{reply.Truncated.Count} values, expected {n}";
        if (result.NumEnvs != n || result.ObservationSize != _obs)
            throw new ArgumentException($"{Name}: the step result holds {result.NumEnvs}×{result.ObservationSize}, this group has {n}×{_obs}.");
        result.Clear();
        reply.Observations.CopyTo(result.Observations, 0);
        reply.Rewards.CopyTo(result.Rewards, 0);
        reply.ScoreRewards.CopyTo(result.ScoreRewards, 0);
        reply.Terminated.CopyTo(result.Terminated, 0);
        reply.Truncated.CopyTo(result.Truncated, 0);
        AddToEpisodes(result);
        foreach (var ending in reply.Endings)
        {
            int i = (int)ending.EnvIndex;
            if (i >= n) return $"an ending for env {i} of {n}";
            if (ending.FinalObservation.Count != _obs) return $"a final observation of {ending.FinalObservation.Count} values for env {i}, expected {_obs}";
            ending.FinalObservation.CopyTo(result.FinalObservations, i * _obs);
            EndEpisode(result, i, ending.Reason.FromProto(), ending.Dropped, ending.Score, ending.EpisodeReturn, (int)ending.Length,
                ending.HasSeed ? ending.Seed : null, ending.HasNextSeed ? ending.NextSeed : null, ending.RewardTerms.ToArray());
        }
        result.ClippedActions = (int)reply.ClippedActions;
        _pool.Stats.AddActions(_actions.Length, reply.ClippedActions);
        return null;
    }

    /// <summary>The step channel's <see cref="Fill"/>: reads a reply frame (StepFrames) into <paramref name="result"/>; the problem when it is malformed.</summary>
    private string? FillFrame(ReadOnlySpan<byte> frame, VectorStepResult result)
    {
        int n = NumEnvs, terms = Spec.RewardTermNames.Length;
        if (result.NumEnvs != n || result.ObservationSize != _obs)
            throw new ArgumentException($"{Name}: the step result holds {result.NumEnvs}×{result.ObservationSize}, this group has {n}×{_obs}.");
        if (frame.Length < StepFrames.ReplyHeaderBytes - 4) return $"a reply of {frame.Length} bytes, shorter than its header";
        int at = 4;
        ulong seq = StepFrames.Get<ulong>(frame, ref at);
        double seconds = StepFrames.Get<double>(frame, ref at);
        uint clipped = StepFrames.Get<uint>(frame, ref at);
        uint endings = StepFrames.Get<uint>(frame, ref at);
        if (seq != _seq) return $"seq {seq}, expected {_seq}";
        if (endings > n) return $"{endings} endings for {n} envs";
        int expected = StepFrames.ReplyBytes(n, _obs, terms, (int)endings) - 4;
        if (frame.Length != expected) return $"a reply of {frame.Length} bytes, expected {expected} for {n} envs and {endings} endings";
        result.Clear();
        StepFrames.GetArray(frame, ref at, result.Observations.AsSpan(0, n * _obs));
        StepFrames.GetArray(frame, ref at, result.Rewards.AsSpan(0, n));
        StepFrames.GetArray(frame, ref at, result.ScoreRewards.AsSpan(0, n));
        for (int i = 0; i < n; i++) result.Terminated[i] = frame[at++] != 0;
        for (int i = 0; i < n; i++) result.Truncated[i] = frame[at++] != 0;
        AddToEpisodes(result);
        for (int e = 0; e < endings; e++)
        {
            int i = (int)StepFrames.Get<uint>(frame, ref at);
            byte reason = frame[at], dropped = frame[at + 1], hasSeed = frame[at + 2], hasNext = frame[at + 3];
            at += 4;
            int length = (int)StepFrames.Get<uint>(frame, ref at);
            double score = StepFrames.Get<double>(frame, ref at), episodeReturn = StepFrames.Get<double>(frame, ref at);
            long seed = StepFrames.Get<long>(frame, ref at), next = StepFrames.Get<long>(frame, ref at);
            if (i >= n) return $"an ending for env {i} of {n}";
            if (reason > (byte)EndReason.ServerLost) return $"end reason {reason} for env {i}";
            var sums = new double[terms];
            StepFrames.GetArray<double>(frame, ref at, sums);
            StepFrames.GetArray(frame, ref at, result.FinalObservation(i));
            EndEpisode(result, i, (EndReason)reason, dropped != 0, score, episodeReturn, length, hasSeed != 0 ? seed : null, hasNext != 0 ? next : null, sums);
        }
        ServerStepSeconds += seconds;
        result.ClippedActions = (int)clipped;
        _pool.Stats.AddActions(_actions.Length, clipped);
        return null;
    }

    private void AddToEpisodes(VectorStepResult result)
    {
        for (int i = 0; i < NumEnvs; i++)
        {
            _lengths[i]++;
            _returns[i] += result.Rewards[i];
            _scores[i] += result.ScoreRewards[i];
        }
    }

    /// <summary>Records the end of env <paramref name="i"/>'s episode (its final observation is already in place) and starts the next one's sums.</summary>
    private void EndEpisode(VectorStepResult result, int i, EndReason reason, bool dropped, double score, double episodeReturn, int length, long? seed, long? nextSeed, double[] terms)
    {
        result.Reasons[i] = reason;
        result.Dropped[i] = dropped;
        result.Episodes.Add(new EpisodeSummary(i, score, episodeReturn, length, reason, seed, terms));
        if (reason == EndReason.SimError) _pool.Stats.AddSimError();
        if (reason == EndReason.NonFiniteObservation) _pool.Stats.AddNonFinite();
        _lengths[i] = 0;
        _returns[i] = 0;
        _scores[i] = 0;
        _seeds[i] = nextSeed;
    }

    // --- Losing a server ---

    /// <summary>
    /// Drops the episodes in flight (counted), forgets the batch, and tells the slot when the server itself is gone
    /// (timeout, broken connection, failed health check); a server that still serves only lost this batch.
    /// </summary>
    private async Task<EnvWorkerLostException> LoseAsync(ServerConnection connection, bool timedOut, string reason, Exception? inner)
    {
        _live = false;
        CloseStream();
        if (!_stepTimer.TryReset())
        {
            _stepTimer.Dispose();
            _stepTimer = new CancellationTokenSource();
        }
        long episodes = 0, transitions = 0;
        var lost = new List<EpisodeSummary>();
        for (int i = 0; i < NumEnvs; i++)
        {
            if (_lengths[i] > 0)
            {
                episodes++;
                transitions += _lengths[i];
                lost.Add(new EpisodeSummary(i, _scores[i], _returns[i], _lengths[i], EndReason.ServerLost, _seeds[i], new double[Spec.RewardTermNames.Length]));
            }
        }
        StartEpisodes(Array.Empty<long>());
        LostEpisodes = lost;
        _pool.Stats.AddDropped(episodes, transitions);

        bool serverGone = timedOut || inner is not RpcException { StatusCode: StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.Internal }
            || !await connection.IsServingAsync(_o.Deadlines.Health).ConfigureAwait(false);
        if (serverGone) _slot.ReportLost(connection, timedOut, reason);
        else
        {
            // The server is fine, only this batch is gone (an env failed in it): replace the batch, not the server,
            // but count it like a restart, so an env that keeps failing trips the same limits.
            if (ReferenceEquals(connection, _connection)) _ = CloseBatchAsync(connection, _batchId);
            _pool.OnBatchLost(_slot, connection, reason);
        }
        return new EnvWorkerLostException(connection.Name, $"{reason}; {episodes} episode(s) in flight dropped", timedOut, inner);
    }

    private static bool IsCallerError(RpcException e) => e.StatusCode == StatusCode.InvalidArgument;

    private static bool IsLoss(Exception e) =>
        e is RpcException or IOException or OperationCanceledException or ObjectDisposedException or System.Net.Http.HttpRequestException or InvalidDataException
            or System.Net.Sockets.SocketException or TimeoutException;

    private static string Describe(Exception e) => e switch
    {
        RpcException r => $"{r.StatusCode}: {r.Status.Detail}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private float[] CheckObservations(Google.Protobuf.Collections.RepeatedField<float> values, string field)
    {
        if (values.Count != NumEnvs * _obs)
            throw new InvalidDataException($"{Name}: {field} has {values.Count} values, expected {NumEnvs}×{_obs}.");
        return values.ToArray();
    }

    private void StartEpisodes(long[] seeds)
    {
        Array.Clear(_lengths);
        Array.Clear(_returns);
        Array.Clear(_scores);
        for (int i = 0; i < NumEnvs; i++) _seeds[i] = seeds.Length == 0 ? null : seeds[i];
    }

    /// <summary>
    /// Ends the step stream. Graceful (the server is fine): half-close first, so the server's handler returns instead of
    /// seeing a reset (many client resets look like the HTTP/2 rapid-reset attack to Kestrel). Otherwise just dispose.
    /// </summary>
    private void CloseStream(bool graceful = false)
    {
        // The step channel is bound to one batch; a new batch (or the next step after a reset) connects afresh.
        _channel?.Dispose();
        _channel = null;
        var call = _call;
        _call = null;
        if (call is null) return;
        if (!graceful)
        {
            try { call.Dispose(); } catch (Exception) { }
            return;
        }
        try
        {
            _ = call.RequestStream.CompleteAsync().ContinueWith(_ => call.Dispose(), TaskScheduler.Default);
        }
        catch (ObjectDisposedException)
        {
            // The slot disposed the channel under this call when it saw the server exit (its exit watcher, or another
            // group). Half-closing then threw out of the pool's Dispose, and a trainer that had just written its final
            // checkpoint after a group SIGTERM exited 1 with "Cannot access a disposed object ... GrpcCall" (issue 10,
            // part 2). The call is already gone.
            try { call.Dispose(); } catch (Exception) { }
        }
    }

    private async Task CloseBatchAsync(ServerConnection connection, ulong batchId)
    {
        try
        {
            await connection.Client.CloseAsync(new CloseRequest { BatchId = batchId }, connection.Headers, DateTime.UtcNow + _o.Deadlines.Close).ConfigureAwait(false);
        }
        catch (RpcException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Closes the batch on its server (best effort, bounded by the close deadline).</summary>
    internal async Task CloseAsync()
    {
        if (_disposed) return;
        _disposed = true;
        CloseStream(graceful: _live);
        if (_live && _connection is { } c && ReferenceEquals(_slot.Current, c)) await CloseBatchAsync(c, _batchId).ConfigureAwait(false);
        _live = false;
        _stepTimer.Dispose();
    }

    public void Dispose() => CloseAsync().GetAwaiter().GetResult();
}
