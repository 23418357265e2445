using RL.Core.Tensors;
using RL.Algorithms.Training;
using RL.Core.Buffers;
using RL.Core.Exploration;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Envs;
using RL.Envs.Random;
using RL.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// The sampler of one env group: it acts with its own copy of the actor plus exploration noise, steps the group,
/// and stores transitions in the shared replay buffer. Exploration is chosen per env at each episode start
/// (recipes §5.5): with probability param_noise_prob a perturbed actor fixed for the episode (Plappert's
/// adaptive σ or Reason8's bisection over the previous episode's states), otherwise OU or Gaussian action noise.
/// Acting, stepping and storing are separate calls so the learner can overlap them deterministically (sync mode);
/// <see cref="Run"/> chains them on a thread of its own (async mode).
/// </summary>
internal sealed class DdpgSampler : IDisposable
{
    private readonly EnvGroupRunner _runner;
    private readonly TrainingSession _session;
    private readonly DdpgConfig _config;
    private readonly ExplorationConfig _exploration;
    private readonly Ddpg _learner;
    private readonly Xoshiro256 _rng;
    private readonly DeterministicActor _actor;
    private readonly DeterministicActor[] _perturbed;
    private readonly ParameterPerturber[] _perturbers;
    private readonly TensorNormalizer _normalizer;
    private readonly OrnsteinUhlenbeckNoise[] _ou;
    private readonly GaussianActionNoise[] _gaussian;
    private readonly bool[] _paramNoise;
    private readonly double[] _episodeSigma;
    private readonly List<float>[] _episodeStates, _previousStates;
    private readonly float[] _obs, _actions, _next, _noise;
    private readonly Tensor _obsCpu, _actionsCpu;
    private readonly int _o, _a, _n;
    private readonly Box _space;
    private long _actorVersion = -1;
    private int _stepsSinceSync;

    public DdpgSampler(EnvGroupRunner runner, TrainingSession session, DdpgConfig config, Ddpg learner)
    {
        _runner = runner;
        _session = session;
        _config = config;
        _exploration = config.Exploration;
        _learner = learner;
        _rng = new Xoshiro256(session.SeedFor("sampler", runner.Index));
        _n = runner.NumEnvs;
        _o = session.Observations.Size;
        _a = runner.Spec.ActionSize;
        _space = new Box(runner.Spec.ActionSpace.Low, runner.Spec.ActionSpace.High);
        var device = session.Device;
        Generator? generator = config.Actor.Noisy != NoisyLayers.None ? new Generator(session.SeedFor("noisynet", 2 + runner.Index), device: torch.CPU) : null;
        _actor = IsolatedInit.Build(() => new DeterministicActor(_o, runner.Spec.ActionSpace, config.Actor, generator));
        _actor.to(device);
        bool paramNoise = _exploration.ParamNoise != ParameterNoiseKind.None;
        _perturbed = paramNoise ? Enumerable.Range(0, _n).Select(_ => IsolatedInit.Build(() => new DeterministicActor(_o, runner.Spec.ActionSpace, config.Actor))).ToArray() : Array.Empty<DeterministicActor>();
        foreach (var p in _perturbed) p.to(device);
        _perturbers = _perturbed.Select(p => new ParameterPerturber(_actor, p)).ToArray();
        _normalizer = new TensorNormalizer(session.Observations, device);
        _ou = Enumerable.Range(0, _n).Select(_ => new OrnsteinUhlenbeckNoise(_a, _exploration.Ou.Theta, _exploration.Ou.Dt)).ToArray();
        _gaussian = Enumerable.Range(0, _n).Select(_ => new GaussianActionNoise(_a, _exploration.Gaussian.HoldSteps)).ToArray();
        _paramNoise = new bool[_n];
        _episodeSigma = new double[_n];
        _episodeStates = Enumerable.Range(0, _n).Select(_ => new List<float>()).ToArray();
        _previousStates = Enumerable.Range(0, _n).Select(_ => new List<float>()).ToArray();
        _obs = new float[_n * _o];
        _actions = new float[_n * _a];
        _next = new float[_o];
        _noise = new float[_a];
        _obsCpu = BufferViews.View(_obs, _n, _o);
        _actionsCpu = BufferViews.View(_actions, _n, _a);
    }

    public int Index => _runner.Index;

    /// <summary>An exception that stopped <see cref="Run"/> (the main loop rethrows it).</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Parameter-noise episodes started and the σ they used, since the last <see cref="TakeStats"/>.</summary>
    private long _statEpisodes, _statParamEpisodes;
    private double _statSigma;

    // --- episodes ---

    /// <summary>Begins every env's first episode (after the group was reset) and takes the learner's actor.</summary>
    public void Start(long envSteps)
    {
        SyncActor(force: true);
        // The group may have been restored without this sampler's file (its sampler failed): the runner's sums of
        // those episodes are then unknown and start again here, as the sampler's own did before issue 12.
        _runner.RestartEpisodes();
        for (int i = 0; i < _n; i++)
        {
            _session.Observations.Transform.Apply(_runner.Observations.AsSpan(i * _session.Observations.Transform.InputSize, _session.Observations.Transform.InputSize), _obs.AsSpan(i * _o, _o));
            BeginEpisode(i, envSteps);
        }
    }

    /// <summary>Re-reads the current observations after the group's episodes were restored from a checkpoint.</summary>
    public void Resume()
    {
        int inSize = _session.Observations.Transform.InputSize;
        for (int i = 0; i < _n; i++)
            _session.Observations.Transform.Apply(_runner.Observations.AsSpan(i * inSize, inSize), _obs.AsSpan(i * _o, _o));
    }

    /// <summary>Chooses the exploration of env <paramref name="i"/>'s new episode.</summary>
    private void BeginEpisode(int i, long envSteps)
    {
        // Every episode starts from the learner's latest actor (Reason8 pushed weights to samplers after each episode),
        // so a perturbed actor is built from current weights.
        if (_learner.PublishedVersion != _actorVersion) TakePublished();
        _statEpisodes++;
        _ou[i].Reset();
        _gaussian[i].Reset();
        _paramNoise[i] = false;
        double draw = _rng.NextDouble();
        if (_exploration.ParamNoise == ParameterNoiseKind.None || draw >= _exploration.ParamNoiseProb) return;
        if (_exploration.ParamNoise == ParameterNoiseKind.Adaptive)
        {
            _episodeSigma[i] = _learner.AdaptiveSigma;
            _perturbers[i].Perturb(_episodeSigma[i], _rng);
        }
        else
        {
            // Reason8: bisection over the previous episode's states; the first episode has none and uses action noise.
            if (_previousStates[i].Count == 0) return;
            var cfg = _exploration.Bisection;
            double target = cfg.TargetDistance > 0 ? cfg.TargetDistance : _exploration.ActionSigmaAt(envSteps);
            using var _ = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var states = _normalizer.Apply(torch.tensor(_previousStates[i].ToArray(), new long[] { _previousStates[i].Count / _o, _o }).to(_session.Device));
            var clean = _actor.forward(states);
            var result = BisectionParameterNoise.Search(sigma =>
            {
                _perturbers[i].Perturb(sigma, _rng);
                using var trialScope = torch.NewDisposeScope();
                return ParameterPerturber.ActionDistance(clean, _perturbed[i].forward(states));
            }, target, cfg.SigmaMax, cfg.Tolerance, cfg.MaxTrials);
            _episodeSigma[i] = result.Sigma;
        }
        _paramNoise[i] = true;
        _statParamEpisodes++;
        _statSigma += _episodeSigma[i];
    }

    // --- act ---

    /// <summary>Takes the published actor when it changed and the sync interval has passed (always with <paramref name="force"/>).</summary>
    public void SyncActor(bool force)
    {
        if (!force && _stepsSinceSync < _config.ActorSyncSteps) return;
        if (force || _learner.PublishedVersion != _actorVersion) TakePublished();
        _stepsSinceSync = 0;
    }

    private void TakePublished()
    {
        _actorVersion = _learner.CopyPublished(_actor);
        _normalizer.Refresh();
    }

    /// <summary>Computes this step's actions: uniform during an SB3-style warm-up, else the actor (or the env's perturbed actor) plus action noise, clipped to the action space.</summary>
    public void Act(long envSteps)
    {
        _session.Observations.Observe(_obs);
        long clipped = _config.WarmupActions == WarmupActions.Uniform && envSteps < _config.Warmup
            ? ActUniformly()
            : ActWithActor(envSteps);
        _session.Counters.Add(ref _session.Counters.ClippedActionElements, clipped);
        _session.Counters.Add(ref _session.Counters.ActionElements, _actions.Length);
        _stepsSinceSync++;
    }

    /// <summary>
    /// SB3 acts uniformly at random until learning_starts (off_policy_algorithm.py, _sample_action); the draws come
    /// from this sampler's seeded stream, so a run stays reproducible and resumes from its checkpoint. Nothing is clipped.
    /// </summary>
    private long ActUniformly()
    {
        for (int j = 0; j < _actions.Length; j++)
        {
            int k = j % _a;
            _actions[j] = (float)_rng.Uniform(_space.Low[k], _space.High[k]);
        }
        return 0;
    }

    /// <summary>The actor (or the env's perturbed actor) plus action noise, clipped; returns the clipped elements.</summary>
    private long ActWithActor(long envSteps)
    {
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var x = _normalizer.Apply(_session.Device.type == DeviceType.CPU ? _obsCpu : _obsCpu.to(_session.Device));
            _actionsCpu.copy_(_actor.forward(x));
            for (int i = 0; i < _n; i++)
                if (_paramNoise[i]) _actionsCpu[i].copy_(_perturbed[i].forward(x[i].unsqueeze(0)).squeeze(0));
        }
        long clipped = 0;
        double sigma = _exploration.ActionSigmaAt(envSteps);
        for (int i = 0; i < _n; i++)
        {
            if (_paramNoise[i] || _exploration.ActionNoise == ActionNoiseKind.None) continue;
            if (_exploration.ActionNoise == ActionNoiseKind.OrnsteinUhlenbeck) _ou[i].Sample(_rng, sigma, _noise);
            else _gaussian[i].Sample(_rng, sigma, _noise);
            for (int k = 0; k < _a; k++)
            {
                float v = _actions[i * _a + k] + _noise[k];
                float c = Math.Clamp(v, _space.Low[k], _space.High[k]);
                if (c != v) clipped++;
                _actions[i * _a + k] = c;
            }
        }
        return clipped;
    }

    // --- step and store ---

    /// <summary>Steps the group (no torch here, so it can run beside the learner). False when its worker was lost.</summary>
    public bool Step() => _runner.Step(_actions);

    /// <summary>Stores the step's transitions, logs finished episodes and begins new ones.</summary>
    public void Store(bool stepped, ReplayBuffer replay, Action<EpisodeRecord> episodeDone)
    {
        long envSteps = _session.Counters.AddAndGet(ref _session.Counters.EnvSteps, _n);
        int inSize = _session.Observations.Transform.InputSize;
        // The runner keeps the episode sums and names the episodes that ended, in env order (issue 12).
        var ended = _runner.EndedEpisodes;
        int endedAt = 0;
        if (!stepped)
        {
            // The worker was lost: the in-flight step has no next state; the partial episodes end here (R2).
            for (int i = 0; i < _n; i++)
            {
                episodeDone(new EpisodeRecord(Index, ended[endedAt++], Exploration(i), envSteps, _session.Counters.Updates));
                _episodeStates[i].Clear();
                _session.Observations.Transform.Apply(_runner.Observations.AsSpan(i * inSize, inSize), _obs.AsSpan(i * _o, _o));
                BeginEpisode(i, envSteps);
            }
            return;
        }
        var result = _runner.Result;
        for (int i = 0; i < _n; i++)
        {
            var row = _obs.AsSpan(i * _o, _o);
            bool done = result.Done(i) || result.Dropped[i];
            if (!result.Dropped[i])
            {
                var next = result.Done(i) ? result.FinalObservation(i) : result.Observation(i);
                _session.Observations.Transform.Apply(next, _next);
                float reward = _session.Rewards.Apply(result.Rewards[i], result.Terminated[i]);
                replay.Add(row, _actions.AsSpan(i * _a, _a), reward, result.Terminated[i], _next);
                if (_exploration.ParamNoise == ParameterNoiseKind.Bisection) _episodeStates[i].AddRange(row);
            }
            if (done)
            {
                episodeDone(new EpisodeRecord(Index, ended[endedAt++], Exploration(i), envSteps, _session.Counters.Updates));
                if (!result.Dropped[i] && _episodeStates[i].Count > 0)
                {
                    (_previousStates[i], _episodeStates[i]) = (_episodeStates[i], _previousStates[i]);
                }
                _episodeStates[i].Clear();
            }
            _session.Observations.Transform.Apply(result.Observation(i), row);
            if (done) BeginEpisode(i, envSteps);
        }
    }

    private string Exploration(int i) =>
        _paramNoise[i] ? $"param:{_episodeSigma[i]:G4}" : _exploration.ActionNoise switch
        {
            ActionNoiseKind.OrnsteinUhlenbeck => "ou",
            ActionNoiseKind.Gaussian => "gaussian",
            _ => "none",
        };

    /// <summary>Fraction of episodes that used parameter noise and their mean σ, since the last call.</summary>
    public (long Episodes, long ParamEpisodes, double SigmaSum) TakeStats()
    {
        var stats = (_statEpisodes, _statParamEpisodes, _statSigma);
        _statEpisodes = _statParamEpisodes = 0;
        _statSigma = 0;
        return stats;
    }

    // --- async mode ---

    /// <summary>
    /// The free-running loop of async mode: sync the actor, act, step, store, until <paramref name="stop"/> is set.
    /// <paramref name="pause"/> parks the loop between steps (for checkpoints).
    /// </summary>
    public void Run(ReplayBuffer replay, Action<EpisodeRecord> episodeDone, PauseGate pause, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                pause.WaitIfPaused();
                if (stop.IsCancellationRequested) break;
                if (AheadOfLearner())
                {
                    Thread.Sleep(1);
                    continue;
                }
                SyncActor(force: false);
                Act(_session.Counters.EnvSteps);
                bool stepped = Step();
                Store(stepped, replay, episodeDone);
                if (_session.BudgetReached() is not null) break;
            }
        }
        catch (Exception e)
        {
            Fault = e;
        }
        finally
        {
            pause.Leave();
        }
    }

    /// <summary>True when this run's samplers are more than ddpg.sampler_lead_steps ahead of the learner (async mode).</summary>
    private bool AheadOfLearner()
    {
        var c = _session.Counters;
        long start = Interlocked.Read(ref c.LearningStartEnvSteps);
        if (_config.SamplerLeadSteps == 0 || start < 0) return false;
        double learned = (Interlocked.Read(ref c.Updates) - Interlocked.Read(ref c.LearningStartUpdates)) / _config.UpdatesPerEnvStep;
        return RunCounters.Read(ref c.EnvSteps) - start > learned + _config.SamplerLeadSteps;
    }

    // --- checkpoints ---

    public void Save(BinaryWriter w)
    {
        RngState.Write(w, _rng.GetState());
        WriteModule(w, _actor);
        w.Write(_perturbed.Length);
        foreach (var p in _perturbed) WriteModule(w, p);
        _normalizer.Save(w);
        w.Write(_actorVersion);
        w.Write(_stepsSinceSync);
        for (int i = 0; i < _n; i++)
        {
            _ou[i].Save(w);
            _gaussian[i].Save(w);
            w.Write(_paramNoise[i]);
            w.Write(_episodeSigma[i]);
            WriteFloats(w, _episodeStates[i]);
            WriteFloats(w, _previousStates[i]);
            // The runner's episode sums sit where the sampler's own were before issue 12: checkpoints keep their layout.
            _runner.WriteEpisode(w, i);
        }
        w.Write(_statEpisodes);
        w.Write(_statParamEpisodes);
        w.Write(_statSigma);
    }

    public void Load(BinaryReader r)
    {
        _rng.SetState(RngState.Read(r));
        ReadModule(r, _actor);
        int perturbed = r.ReadInt32();
        if (perturbed != _perturbed.Length) throw new InvalidDataException($"sampler {Index}: checkpoint has {perturbed} perturbed actors, the config needs {_perturbed.Length}.");
        foreach (var p in _perturbed) ReadModule(r, p);
        _normalizer.Load(r);
        _actorVersion = r.ReadInt64();
        _stepsSinceSync = r.ReadInt32();
        for (int i = 0; i < _n; i++)
        {
            _ou[i].Load(r);
            _gaussian[i].Load(r);
            _paramNoise[i] = r.ReadBoolean();
            _episodeSigma[i] = r.ReadDouble();
            ReadFloats(r, _episodeStates[i]);
            ReadFloats(r, _previousStates[i]);
            _runner.ReadEpisode(r, i);
        }
        _statEpisodes = r.ReadInt64();
        _statParamEpisodes = r.ReadInt64();
        _statSigma = r.ReadDouble();
    }

    private static void WriteModule(BinaryWriter w, nn.Module m)
    {
        var ms = new MemoryStream();
        m.save(ms); // closes the stream; ToArray still works on a closed MemoryStream
        byte[] bytes = ms.ToArray();
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static void ReadModule(BinaryReader r, nn.Module m)
    {
        using var ms = new MemoryStream(r.ReadBytes(r.ReadInt32()));
        m.load(ms);
    }

    private static void WriteFloats(BinaryWriter w, List<float> values)
    {
        w.Write(values.Count);
        foreach (float v in values) w.Write(v);
    }

    private static void ReadFloats(BinaryReader r, List<float> values)
    {
        values.Clear();
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++) values.Add(r.ReadSingle());
    }

    public void Dispose()
    {
        _actor.Dispose();
        foreach (var p in _perturbers) p.Dispose();
        foreach (var p in _perturbed) p.Dispose();
        _normalizer.Dispose();
        _obsCpu.Dispose();
        _actionsCpu.Dispose();
    }
}

/// <summary>Parks sampler threads between steps while the learner writes a checkpoint.</summary>
internal sealed class PauseGate
{
    private readonly object _gate = new();
    private bool _paused;
    private int _parked;
    private int _active;

    public PauseGate(int samplers) => _active = samplers;

    /// <summary>Called by a sampler between steps: blocks while a pause is requested.</summary>
    public void WaitIfPaused()
    {
        lock (_gate)
        {
            if (!_paused) return;
            _parked++;
            Monitor.PulseAll(_gate);
            while (_paused) Monitor.Wait(_gate);
            _parked--;
        }
    }

    /// <summary>Called once by a sampler whose loop ended.</summary>
    public void Leave()
    {
        lock (_gate)
        {
            _active--;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Requests a pause and waits until every running sampler is parked.</summary>
    public void Pause()
    {
        lock (_gate)
        {
            _paused = true;
            while (_parked < _active) Monitor.Wait(_gate);
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _paused = false;
            Monitor.PulseAll(_gate);
        }
    }
}
