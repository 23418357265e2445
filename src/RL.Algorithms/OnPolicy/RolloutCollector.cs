using RL.Algorithms.Training;
using RL.Core.Tensors;
using RL.Envs;
using RL.Envs.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// Collects a rollout from every env group at once: per step, one batched forward of π and V per group (never
/// one env at a time), actions drawn on the group's own RNG stream, then all groups step on worker threads
/// (local or served envs alike), then rewards, ends and episodes are stored. A truncated episode (time limit)
/// bootstraps V(final observation), batched over the group's truncated envs; a terminated one does not.
/// </summary>
internal sealed class RolloutCollector : IDisposable
{
    private readonly TrainingSession _session;
    private readonly OnPolicyModel _model;
    private readonly OnPolicyConfig _config;
    private readonly List<Group> _groups;
    private readonly ReturnNormalizer? _returns;
    private readonly string _exploration;

    public RolloutCollector(TrainingSession session, OnPolicyModel model, OnPolicyConfig config)
    {
        _session = session;
        _model = model;
        _config = config;
        int offset = 0;
        _groups = new List<Group>();
        foreach (var runner in session.Runners)
        {
            _groups.Add(new Group(runner, offset, model.ObservationSize, model.ActionSize, new Xoshiro256(session.SeedFor(OnPolicyTrainer.SamplerStream, runner.Index))));
            offset += runner.NumEnvs;
        }
        Envs = offset;
        _returns = config.NormalizeReward ? new ReturnNormalizer(Envs, config.Gamma, config.RewardClip) : null;
        _exploration = config.Distribution == PolicyDistribution.Gaussian ? "gaussian" : "bernoulli";
    }

    public int Envs { get; }

    /// <summary>Step each group as soon as it is acted on (default), or all groups in lock-step (kept to test that both give the same rollout).</summary>
    internal static bool Pipelined { get; set; } = true;

    /// <summary>
    /// Reads every group's current observations through the trainer's transform, after a reset or a restore. When the
    /// groups were not restored with this collector's file, the runners' episode sums start again.
    /// </summary>
    public void Start(bool restored)
    {
        foreach (var g in _groups)
        {
            if (!restored) g.Runner.RestartEpisodes();
            g.TransformObservations(_session.Observations.Transform);
        }
    }

    /// <summary>Fills <paramref name="rollout"/> with the next T steps of every env and computes its advantages; false when a stop was requested first.</summary>
    public bool Collect(Rollout rollout)
    {
        _model.Normalizer.Refresh();
        float[] logStd = _model.LogStdRow();
        var stepped = new bool[_groups.Count];
        var tasks = new Task[_groups.Count];
        Task StepGroup(int j) => Task.Run(() => stepped[j] = _groups[j].Runner.Step(_groups[j].EnvActions));
        if (Pipelined)
        {
            // Each group steps while the policy handles the others: group j's step t+1 is sent as soon as its step t
            // is stored and acted on, so with several groups per server (env.batches_per_server) neither the server
            // nor this loop waits on a round trip (issue 16). Groups are stored and acted on in the same order as in
            // lock-step, with the same RNG streams and a policy fixed for the rollout, so every env's transitions are
            // the same as lock-step's (RolloutPipelineTests).
            for (int j = 0; j < _groups.Count; j++)
            {
                Act(_groups[j], rollout, 0, logStd);
                tasks[j] = StepGroup(j);
            }
            for (int t = 0; t < rollout.Steps; t++)
            {
                bool stop = _session.StopRequested;
                for (int j = 0; j < _groups.Count; j++)
                {
                    tasks[j].GetAwaiter().GetResult();
                    Store(_groups[j], rollout, t, stepped[j]);
                    if (stop || t + 1 == rollout.Steps) continue;
                    Act(_groups[j], rollout, t + 1, logStd);
                    tasks[j] = StepGroup(j);
                }
                // Ctrl-C mid-rollout: the steps in flight are stored, the partial rollout dropped.
                if (stop) return false;
            }
        }
        else
        {
            for (int t = 0; t < rollout.Steps; t++)
            {
                // Ctrl-C mid-rollout: the partial rollout is dropped; the envs stay where they are for the final checkpoint.
                if (_session.StopRequested) return false;
                foreach (var g in _groups) Act(g, rollout, t, logStd);
                for (int j = 0; j < _groups.Count; j++) tasks[j] = StepGroup(j);
                Task.WaitAll(tasks);
                for (int j = 0; j < _groups.Count; j++) Store(_groups[j], rollout, t, stepped[j]);
            }
        }
        foreach (var g in _groups)
        {
            _model.Forward(g.ObsTensor, head: null, g.ValueTensor);
            g.ValuesBuffer.AsSpan(0, g.N).CopyTo(rollout.LastValues.AsSpan(g.Offset, g.N));
        }
        rollout.Finish(_config.Gamma, _config.Lambda);
        return true;
    }

    private void Act(Group g, Rollout rollout, int t, float[] logStd)
    {
        int o = _model.ObservationSize, a = _model.ActionSize;
        _session.Observations.Observe(g.Obs);
        _model.Forward(g.ObsTensor, g.HeadTensor, g.ValueTensor);
        long clipped = 0;
        for (int i = 0; i < g.N; i++)
        {
            int k = t * rollout.Envs + g.Offset + i;
            g.Obs.AsSpan(i * o, o).CopyTo(rollout.Observations.AsSpan(k * o, o));
            var action = rollout.Actions.AsSpan(k * a, a);
            _model.Distribution.Sample(g.Head.AsSpan(i * a, a), logStd, g.Rng, action);
            clipped += _model.Distribution.ToEnv(action, g.EnvActions.AsSpan(i * a, a));
            rollout.Values[k] = g.ValuesBuffer[i];
        }
        _session.Counters.Add(ref _session.Counters.ClippedActionElements, clipped);
        _session.Counters.Add(ref _session.Counters.ActionElements, g.EnvActions.Length);
    }

    private void Store(Group g, Rollout rollout, int t, bool stepped)
    {
        long envSteps = _session.Counters.AddAndGet(ref _session.Counters.EnvSteps, g.N);
        var runner = g.Runner;
        var transform = _session.Observations.Transform;
        int o = _model.ObservationSize;
        var result = runner.Result;
        int truncated = 0;
        for (int i = 0; i < g.N; i++)
        {
            int k = t * rollout.Envs + g.Offset + i;
            bool valid = stepped && !result.Dropped[i];
            rollout.Valid[k] = valid;
            if (!valid)
            {
                // No next state: the episode ends here with δ = 0 (reward 0, next value = V(s)), and the row is left out.
                rollout.Rewards[k] = 0;
                rollout.NextValues[k] = rollout.Values[k];
                rollout.EpisodeEnds[k] = true;
                continue;
            }
            float reward = _session.Rewards.Apply(result.Rewards[i], result.Terminated[i]);
            if (_returns is not null) reward = _returns.Normalize(g.Offset + i, reward, result.Done(i));
            rollout.Rewards[k] = reward;
            rollout.EpisodeEnds[k] = result.Done(i);
            rollout.NextValues[k] = 0;
            if (result.Truncated[i] && !result.Terminated[i])
            {
                // The time limit, not the task, ended it: bootstrap V(final observation) (NNAISENSE's horizon hack).
                transform.Apply(result.FinalObservation(i), g.Final.AsSpan(truncated * o, o));
                g.TruncatedRows[truncated++] = i;
            }
        }
        if (truncated > 0)
        {
            using (var finals = BufferViews.View(g.Final, g.N, o).narrow(0, 0, truncated))
            using (var values = BufferViews.View(g.FinalValues, g.N).narrow(0, 0, truncated))
                _model.Forward(finals, head: null, values);
            for (int j = 0; j < truncated; j++)
                rollout.NextValues[t * rollout.Envs + g.Offset + g.TruncatedRows[j]] = g.FinalValues[j];
        }
        foreach (var e in runner.EndedEpisodes)
            _session.LogEpisode(new EpisodeRecord(runner.Index, e, _exploration, envSteps, _session.Counters.Updates));
        if (!stepped && _returns is not null)
            for (int i = 0; i < g.N; i++) _returns.Normalize(g.Offset + i, 0, episodeEnded: true);
        g.TransformObservations(transform);
    }

    public void Save(BinaryWriter w)
    {
        foreach (var g in _groups)
        {
            RngState.Write(w, g.Rng.GetState());
            for (int i = 0; i < g.N; i++) g.Runner.WriteEpisode(w, i);
        }
        w.Write(_returns is not null);
        _returns?.Save(w);
    }

    public void Load(BinaryReader r)
    {
        foreach (var g in _groups)
        {
            g.Rng.SetState(RngState.Read(r));
            for (int i = 0; i < g.N; i++) g.Runner.ReadEpisode(r, i);
        }
        if (r.ReadBoolean() != (_returns is not null)) throw new InvalidDataException("the checkpoint's reward normalisation setting differs from the config.");
        _returns?.Load(r);
    }

    public void Dispose()
    {
        foreach (var g in _groups) g.Dispose();
    }

    /// <summary>One env group's buffers: observations, distribution parameters, values and actions, with tensor views over them.</summary>
    private sealed class Group : IDisposable
    {
        public Group(EnvGroupRunner runner, int offset, int observationSize, int actionSize, Xoshiro256 rng)
        {
            Runner = runner;
            Offset = offset;
            N = runner.NumEnvs;
            Rng = rng;
            Obs = new float[N * observationSize];
            Final = new float[N * observationSize];
            Head = new float[N * actionSize];
            EnvActions = new float[N * actionSize];
            ValuesBuffer = new float[N];
            FinalValues = new float[N];
            TruncatedRows = new int[N];
            ObsTensor = BufferViews.View(Obs, N, observationSize);
            HeadTensor = BufferViews.View(Head, N, actionSize);
            ValueTensor = BufferViews.View(ValuesBuffer, N);
            _inputSize = runner.Spec.ObservationSize;
            _observationSize = observationSize;
        }

        private readonly int _inputSize, _observationSize;

        public EnvGroupRunner Runner { get; }
        public int Offset { get; }
        public int N { get; }
        public Xoshiro256 Rng { get; }
        public float[] Obs { get; }
        public float[] Final { get; }
        public float[] Head { get; }
        public float[] EnvActions { get; }
        public float[] ValuesBuffer { get; }
        public float[] FinalValues { get; }
        public int[] TruncatedRows { get; }
        public Tensor ObsTensor { get; }
        public Tensor HeadTensor { get; }
        public Tensor ValueTensor { get; }

        public void TransformObservations(RL.Core.Normalization.ObservationTransform transform)
        {
            for (int i = 0; i < N; i++)
                transform.Apply(Runner.Observations.AsSpan(i * _inputSize, _inputSize), Obs.AsSpan(i * _observationSize, _observationSize));
        }

        public void Dispose()
        {
            ObsTensor.Dispose();
            HeadTensor.Dispose();
            ValueTensor.Dispose();
        }
    }
}
