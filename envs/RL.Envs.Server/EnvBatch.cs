using System.Diagnostics;
using Google.Protobuf.Collections;
using Grpc.Core;
using RL.Envs.Remote.Protocol;
using RL.Envs.Vector;
using RL.Envs.Wrappers;

namespace RL.Envs.Server;

/// <summary>
/// N instances of one env, stepped together by one client (RL.Envs.Vector.SyncVectorEnv, so autoreset, episode
/// bookkeeping and the non-finite guard are the in-process ones). Every request is validated in full before any env
/// is touched, so a rejected request leaves the batch as it was. One call at a time: a second concurrent call gets
/// FAILED_PRECONDITION instead of racing the first.
/// <para>
/// Lifetime (issue 10, part 2): every call holds a <see cref="Lease"/> while it touches the envs, and
/// <see cref="Close"/> only marks the batch closed; the envs (native MuJoCo memory) are freed by whichever comes
/// last, Close or the end of the lease in progress. The earlier check-then-dispose let a Step slip in between and
/// step freed simulators ("free(): corrupted unsorted chunks" after Open, Step, Close, Step on the same stream).
/// </para>
/// </summary>
internal sealed class EnvBatch
{
    private readonly SyncVectorEnv _vec;
    private readonly VectorStepResult _result;
    private readonly float[] _actions;
    private readonly int _obs, _act;
    private readonly Action<EnvBatch> _freed;
    private readonly object _gate = new();
    private bool _busy, _freedDone;
    private Status? _closed;
    private long _lastUsed = Stopwatch.GetTimestamp();

    /// <summary>Wraps <paramref name="envs"/>; <paramref name="freed"/> runs once, after they are freed (the store returns their reservation then).</summary>
    public EnvBatch(ulong id, IReadOnlyList<IEnv> envs, bool parallel, IReadOnlyDictionary<string, string> effectiveOptions, string client,
        long bytesPerEnv, Action<EnvBatch> freed)
    {
        Id = id;
        // Every episode gets a seed that the endings report, autoresets included (issue 11).
        _vec = new SyncVectorEnv(envs.Select(e => (IEnv)new EpisodeSeeding(e)).ToList(), parallel);
        Spec = _vec.Spec;
        _obs = Spec.ObservationSize;
        _act = Spec.ActionSize;
        _result = new VectorStepResult(envs.Count, _obs);
        _actions = new float[envs.Count * _act];
        EffectiveOptions = effectiveOptions;
        Client = client;
        BytesPerEnv = bytesPerEnv;
        _freed = freed;
    }

    public ulong Id { get; }
    public EnvSpec Spec { get; }
    public int NumEnvs => _vec.NumEnvs;
    public IReadOnlyDictionary<string, string> EffectiveOptions { get; }
    public string Client { get; }

    /// <summary>The memory reserved for each env of the batch (EnvCatalog's estimate), returned when it is freed.</summary>
    public long BytesPerEnv { get; }

    /// <summary>Set when an env threw: its state is unknown, the batch only accepts Close.</summary>
    public string? BrokenReason { get; private set; }

    public TimeSpan Idle => Stopwatch.GetElapsedTime(_lastUsed);

    public bool IsBusy
    {
        get { lock (_gate) return _busy; }
    }

    /// <summary>Worst-case size of one step reply (every env ending in the same step), to keep it under the server's limit.</summary>
    public static long WorstCaseReplyBytes(int numEnvs, int observationSize, int rewardTerms) =>
        64 + (long)numEnvs * (observationSize * 4L + 4 + 8 + 2 + (observationSize * 4L + 8 * 2 + 8 * rewardTerms + 40));

    /// <summary>
    /// Takes the batch for one call, or fails naming what is wrong: the status it was closed with (NOT_FOUND after
    /// Close or idle expiry, UNAVAILABLE while the server stops), or FAILED_PRECONDITION when broken or in use.
    /// </summary>
    public Lease Enter(string call)
    {
        lock (_gate)
        {
            if (_closed is { } closed)
                throw new RpcException(new Status(closed.StatusCode, $"{call}: {closed.Detail}"));
            if (BrokenReason is not null)
                throw Statuses.FailedPrecondition($"{call}: batch {Id} is broken ({BrokenReason}); close it and open a new one.");
            if (_busy)
                throw Statuses.FailedPrecondition($"{call}: batch {Id} is in use by another call (one call at a time per batch).");
            _busy = true;
        }
        _lastUsed = Stopwatch.GetTimestamp();
        return new Lease(this);
    }

    /// <summary>A call's hold on the batch; a struct, so taking one per step allocates nothing.</summary>
    public readonly struct Lease(EnvBatch batch) : IDisposable
    {
        public void Dispose() => batch.Leave();
    }

    private void Leave()
    {
        _lastUsed = Stopwatch.GetTimestamp();
        bool free;
        lock (_gate)
        {
            _busy = false;
            free = _closed is not null && !_freedDone;
            _freedDone |= free;
        }
        if (free) Free();
    }

    /// <summary>
    /// Stops the batch taking calls: later ones fail with <paramref name="code"/> and <paramref name="why"/>. The envs
    /// are freed now, or by the call in progress when it returns (a call stuck in a hung env keeps them until the
    /// process ends: freeing them under it would only add a second fault). Idempotent; the first reason stays.
    /// </summary>
    public void Close(StatusCode code, string why)
    {
        bool free;
        lock (_gate)
        {
            if (_closed is not null) return;
            _closed = new Status(code, why);
            free = !_busy && !_freedDone;
            _freedDone |= free;
        }
        if (free) Free();
    }

    private void Free()
    {
        try { _vec.Dispose(); }
        finally { _freed(this); }
    }

    /// <summary>
    /// Seeds are none or one per env, each in [0, 2^32): the range of the env contract (SeedSequence.DeriveEnvSeed)
    /// and of numpy's legacy seeding that L2R reproduces. Checked before any env is reset, because an env that
    /// rejects its seed half-way through a batch leaves the envs before it reset and the batch broken (issue 10, part 6).
    /// </summary>
    public static void CheckSeeds(RepeatedField<long> seeds, long numEnvs, string field)
    {
        if (seeds.Count != 0 && seeds.Count != numEnvs)
            throw Statuses.InvalidArgument($"{field} has {seeds.Count} seeds for {numEnvs} envs: give none or one per env.");
        for (int i = 0; i < seeds.Count; i++)
            if (seeds[i] < 0 || seeds[i] > uint.MaxValue)
                throw Statuses.InvalidArgument($"{field}[{i}] = {seeds[i]} is outside [0, 2^32): env seeds are 32-bit, as numpy's legacy seeding takes them.");
    }

    /// <summary>Resets every env (seeds: none or one per env) and writes the observations.</summary>
    public void Reset(RepeatedField<long> seeds, RepeatedField<float> observations, string field)
    {
        CheckSeeds(seeds, NumEnvs, field);
        var obs = new float[NumEnvs * _obs];
        long[] s = seeds.Count == 0 ? Array.Empty<long>() : seeds.ToArray();
        try { _vec.Reset(s, obs); }
        catch (Exception e) { throw Broken("Reset", e); }
        observations.SetFrom(obs);
    }

    /// <summary>Validates the actions, steps every env (SAME_STEP autoreset) and fills <paramref name="reply"/>.</summary>
    public void Step(StepRequest request, StepReply reply)
    {
        var actions = request.Actions;
        if (actions.Count != _actions.Length)
            throw Statuses.InvalidArgument($"StepRequest.actions has {actions.Count} values, expected {NumEnvs} envs × {_act} = {_actions.Length} (batch {Id}, env '{Spec.Id}').");
        actions.CopyTo(_actions, 0);
        double seconds = StepLoaded("StepRequest.actions");

        reply.Seq = request.Seq;
        reply.Observations.SetFrom(_result.Observations);
        reply.Rewards.SetFrom(_result.Rewards);
        reply.ScoreRewards.SetFrom(_result.ScoreRewards);
        reply.Terminated.SetFrom(_result.Terminated);
        reply.Truncated.SetFrom(_result.Truncated);
        reply.ClippedActions = (uint)_result.ClippedActions;
        reply.StepSeconds = seconds;
        reply.Endings.Clear();
        foreach (var episode in _result.Episodes)
        {
            int i = episode.EnvIndex;
            var ending = new Ending
            {
                EnvIndex = (uint)i,
                Reason = _result.Reasons[i].ToProto(),
                Dropped = _result.Dropped[i],
                Score = episode.Score,
                EpisodeReturn = episode.Return,
                Length = (uint)episode.Length,
            };
            if (episode.Seed is long seed) ending.Seed = seed;
            if (_vec.EpisodeSeed(i) is long next) ending.NextSeed = next;
            ending.RewardTerms.AddRange(episode.Terms);
            var final = _result.FinalObservation(i);
            for (int k = 0; k < final.Length; k++) ending.FinalObservation.Add(final[k]);
            reply.Endings.Add(ending);
        }
    }

    /// <summary>
    /// The step channel's step (StepFrames): validates and steps like <see cref="Step(StepRequest, StepReply)"/> and
    /// returns the seconds spent stepping; the outcome is then in <see cref="Result"/>, read under the same lease.
    /// </summary>
    public double Step(ReadOnlySpan<float> actions)
    {
        if (actions.Length != _actions.Length)
            throw Statuses.InvalidArgument($"the step request has {actions.Length} action values, expected {NumEnvs} envs × {_act} = {_actions.Length} (batch {Id}, env '{Spec.Id}').");
        actions.CopyTo(_actions);
        return StepLoaded("step request actions");
    }

    /// <summary>The outcome of the last step: valid until the next call on the batch.</summary>
    public VectorStepResult Result => _result;

    /// <summary>The seed of env <paramref name="env"/>'s current episode (the one its autoreset began), when known.</summary>
    public long? EpisodeSeed(int env) => _vec.EpisodeSeed(env);

    /// <summary>The random key a step channel connection must present for this batch (OpenReply.step_key).</summary>
    public byte[] StepKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(RL.Envs.Remote.StepFrames.KeyBytes);

    private double StepLoaded(string field)
    {
        for (int i = 0; i < _actions.Length; i++)
            if (!float.IsFinite(_actions[i]))
                throw Statuses.InvalidArgument($"{field}[{i}] is {_actions[i]} (env {i / _act}, action '{Spec.ActionNames[i % _act]}'): actions must be finite numbers.");
        long start = Stopwatch.GetTimestamp();
        try { _vec.Step(_actions, _result); }
        catch (Exception e) { throw Broken("Step", e); }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // Requests are validated before the envs run, so an exception from an env is the env's own failure and its
    // state is unknown from then on.
    private RpcException Broken(string call, Exception e)
    {
        BrokenReason = $"env '{Spec.Id}' failed in {call}: {e.GetType().Name}: {e.Message}";
        return Statuses.Internal($"{BrokenReason}. The batch is broken; close it and open a new one.");
    }

}
