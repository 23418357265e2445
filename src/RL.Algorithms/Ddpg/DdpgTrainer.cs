using System.Collections.Concurrent;
using System.Diagnostics;
using RL.Algorithms.Training;
using RL.Core.Buffers;
using RL.Core.Networks;
using RL.Envs.Vector;
using TorchSharp;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// The DDPG run loop over env groups (one <see cref="DdpgSampler"/> per group, one learner).
/// <list type="bullet">
/// <item><b>sync</b>: each iteration acts for every group, then steps all groups on worker threads while the
/// learner runs the updates that are due from the transitions stored so far, then stores. Env stepping and
/// learning overlap, yet nothing depends on timing: same seed, same run, bit for bit on CPU (R13, R15).</item>
/// <item><b>async</b>: every sampler runs free on its own thread (Reason8's N samplers + 1 learner, weights pushed
/// to samplers by version); the learner never runs ahead of updates_per_env_step and waits otherwise.</item>
/// </list>
/// Both log throughput and the learner's idle fraction, write checkpoints and evaluate on schedule, and stop on
/// a budget, on cancellation (final checkpoint), on a failed env fleet (final checkpoint, exit code 3) or after
/// too many non-finite updates (rollback or exit code 4).
/// </summary>
public static class DdpgTrainer
{
    public static TrainOutcome Train(TrainingSession session)
    {
        var config = session.Config;
        var spec = session.Spec;
        var pipeline = session.Observations;
        var mirror = pipeline.Mirror is not null && spec.ActionMirror is not null ? (pipeline.Mirror, spec.ActionMirror) : ((RL.Envs.MirrorMap, RL.Envs.MirrorMap)?)null;
        using var ddpg = new Ddpg(config.Ddpg, pipeline.Size, spec.ActionSpace, mirror, pipeline, session.Device, session.SeedFor);
        var replay = new ReplayBuffer(config.Ddpg.BufferSize, pipeline.Size, spec.ActionSize);
        var samplers = session.Runners.Select(r => new DdpgSampler(r, session, config.Ddpg, ddpg)).ToList();
        try
        {
            Restore(session, ddpg, replay, samplers);
            var loop = new Loop(session, ddpg, replay, samplers);
            return config.Ddpg.Mode == CollectionMode.Sync ? loop.RunSync() : loop.RunAsync();
        }
        finally
        {
            foreach (var s in samplers) s.Dispose();
        }
    }

    private static void Restore(TrainingSession session, Ddpg ddpg, ReplayBuffer replay, List<DdpgSampler> samplers)
    {
        var from = session.ResumeFrom;
        if (from is not null)
        {
            ddpg.Load(from);
            if (from.Has("replay.bin")) from.ReadBinary("replay.bin", replay.Load);
            else
            {
                session.Message($"checkpoint {from.Name} has no replay buffer (ddpg.checkpoint_replay_buffer: false): learning waits for {session.Config.Ddpg.Warmup} new transitions");
                session.Counters.LearningStartEnvSteps = -1;
            }
            foreach (var s in samplers)
                if (from.Has(SamplerFile(s.Index))) from.ReadBinary(SamplerFile(s.Index), s.Load);
        }
        bool envsRestored = session.StartEnvs();
        foreach (var s in samplers)
        {
            if (envsRestored && from!.Has(SamplerFile(s.Index))) s.Resume();
            else s.Start(session.Counters.EnvSteps);
        }
    }

    private static string SamplerFile(int index) => $"sampler_{index}.bin";

    private sealed class Loop : IRunLoopLearner
    {
        private readonly TrainingSession _session;
        private readonly Ddpg _ddpg;
        private readonly ReplayBuffer _replay;
        private readonly List<DdpgSampler> _samplers;
        private readonly RunCounters _counters;
        private readonly ConcurrentQueue<EpisodeRecord> _episodes = new();
        private readonly Stopwatch _idle = new();
        private readonly Stopwatch _busy = Stopwatch.StartNew();
        private double _idleAtLastRow, _busyAtLastRow;
        private long _nextRowUpdates, _nextRowSteps, _rowUpdates = -1, _rowSteps = -1;
        // Stopping, the schedule, the non-finite guard and the two endings are every algorithm's (issue 12).
        private readonly RunLoop _run;

        public Loop(TrainingSession session, Ddpg ddpg, ReplayBuffer replay, List<DdpgSampler> samplers)
        {
            _session = session;
            _ddpg = ddpg;
            _replay = replay;
            _samplers = samplers;
            _counters = session.Counters;
            _run = new RunLoop(session, this);
            int every = session.Config.Train.LogEveryUpdates;
            _nextRowUpdates = (_counters.Updates / every + 1) * every;
            _nextRowSteps = (_counters.EnvSteps / every + 1) * every;
        }

        private double IdleFraction
        {
            get
            {
                double busy = _busy.Elapsed.TotalSeconds - _busyAtLastRow;
                return busy <= 0 ? 0 : (_idle.Elapsed.TotalSeconds - _idleAtLastRow) / busy;
            }
        }

        /// <summary>Updates allowed now: updates_per_env_step × env steps since learning started, minus those done.</summary>
        private long DueUpdates()
        {
            if (_counters.LearningStartEnvSteps < 0)
            {
                if (_replay.Count < _session.Config.Ddpg.Warmup) return 0;
                Interlocked.Exchange(ref _counters.LearningStartUpdates, _counters.Updates);
                Interlocked.Exchange(ref _counters.LearningStartEnvSteps, RunCounters.Read(ref _counters.EnvSteps));
                _session.Message($"warm-up done: {_replay.Count} transitions in replay; learning starts");
            }
            long steps = RunCounters.Read(ref _counters.EnvSteps) - _counters.LearningStartEnvSteps;
            long allowed = (long)Math.Floor(_session.Config.Ddpg.UpdatesPerEnvStep * steps);
            long due = allowed - (_counters.Updates - _counters.LearningStartUpdates);
            // Async mode stops exactly at max_updates. Sync mode finishes the iteration: cutting it short would make
            // a run that stops at a budget and is resumed differ from one that never stopped (R13).
            long max = _session.Config.Train.MaxUpdates;
            if (max > 0 && _session.Config.Ddpg.Mode == CollectionMode.Async) due = Math.Min(due, max - _counters.Updates);
            return due;
        }

        /// <summary>One update with the non-finite guard of R9; false when the run must stop.</summary>
        private bool LearnOnce()
        {
            _run.LearnerBusy = true;
            bool finite = _ddpg.Update(_replay, RunCounters.Read(ref _counters.EnvSteps));
            _run.LearnerBusy = false;
            if (!finite) return _run.NonFiniteUpdate();
            Interlocked.Increment(ref _counters.Updates);
            _run.FiniteUpdate();
            return true;
        }

        // --- sync ---

        public TrainOutcome RunSync()
        {
            var stepped = new bool[_samplers.Count];
            var tasks = new Task[_samplers.Count];
            try
            {
                return LoopSync(stepped, tasks);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_session.StopRequested)
            {
                // The env steps of this iteration may still be running: let them end before anything is saved.
                foreach (var t in tasks)
                    try
                    {
                        t?.Wait();
                    }
                    catch (AggregateException)
                    {
                    }
                var sampler = e is AggregateException { InnerException: { } inner } ? _samplers.FirstOrDefault(s => tasks[s.Index]?.Exception?.InnerException == inner) : null;
                return Fail(sampler is null ? e : ((AggregateException)e).InnerException!, sampler);
            }
        }

        private TrainOutcome LoopSync(bool[] stepped, Task[] tasks)
        {
            while (true)
            {
                if (Stop() is TrainOutcome stop) return Finish(stop);
                long envSteps = RunCounters.Read(ref _counters.EnvSteps);
                foreach (var s in _samplers)
                {
                    s.SyncActor(force: false);
                    s.Act(envSteps);
                }
                for (int g = 0; g < _samplers.Count; g++)
                {
                    int index = g;
                    tasks[g] = Task.Run(() => stepped[index] = _samplers[index].Step());
                }
                long due = DueUpdates();
                bool ok = true;
                for (long k = 0; k < due && ok; k++) ok = LearnOnce();
                _idle.Start();
                try
                {
                    Task.WaitAll(tasks);
                }
                catch (AggregateException e) when (e.InnerException is EnvFleetFailedException fleet)
                {
                    _idle.Stop();
                    return Finish(new TrainOutcome(TrainOutcome.EnvFailure, $"env fleet failed: {fleet.Message}"), envsHealthy: false);
                }
                _idle.Stop();
                if (!ok) return Finish(RunLoop.TooManyNonFinite(), writeCheckpoint: false);
                for (int g = 0; g < _samplers.Count; g++) _samplers[g].Store(stepped[g], _replay, _episodes.Enqueue);
                if (due > 0)
                {
                    _ddpg.Publish();
                    _ddpg.Normalizer.Refresh();
                }
                Housekeeping(pauseSamplers: null);
            }
        }

        // --- async ---

        public TrainOutcome RunAsync()
        {
            using var stop = new CancellationTokenSource();
            var gate = new PauseGate(_samplers.Count);
            var threads = _samplers.Select(s => new Thread(() => s.Run(_replay, _episodes.Enqueue, gate, stop.Token))
            {
                IsBackground = true,
                Name = $"sampler-{s.Index}",
            }).ToList();
            foreach (var t in threads) t.Start();
            TrainOutcome? outcome = null;
            Exception? failure = null;
            try
            {
                outcome = LearnAsync(gate);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_session.StopRequested)
            {
                failure = e;
            }
            finally
            {
                stop.Cancel();
                gate.Resume();
                foreach (var t in threads) t.Join();
            }
            if (failure is not null) return Fail(failure, sampler: null);
            if (outcome is null)
            {
                var faulty = _samplers.First(s => s.Fault is not null);
                return Fail(faulty.Fault!, faulty);
            }
            return Finish(outcome, envsHealthy: outcome.ExitCode != TrainOutcome.EnvFailure, writeCheckpoint: outcome.ExitCode != TrainOutcome.NonFinite);
        }

        /// <summary>Learns until the run stops; null when a sampler failed (its <see cref="DdpgSampler.Fault"/> says how).</summary>
        private TrainOutcome? LearnAsync(PauseGate gate)
        {
            var spin = new SpinWait();
            while (true)
            {
                if (_samplers.FirstOrDefault(s => s.Fault is not null) is { } faulty)
                {
                    if (faulty.Fault is EnvFleetFailedException fleet) return new TrainOutcome(TrainOutcome.EnvFailure, $"env fleet failed: {fleet.Message}");
                    return null;
                }
                if (Stop() is TrainOutcome stop) return stop;
                long due = DueUpdates();
                if (due <= 0)
                {
                    _idle.Start();
                    if (spin.NextSpinWillYield) Thread.Sleep(1);
                    else spin.SpinOnce();
                    _idle.Stop();
                }
                else
                {
                    spin.Reset();
                    for (long k = 0; k < Math.Min(due, 50); k++)
                        if (!LearnOnce()) return RunLoop.TooManyNonFinite();
                    _ddpg.Publish();
                    _ddpg.Normalizer.Refresh();
                }
                Housekeeping(gate);
            }
        }

        // --- schedule: logs, evaluations, checkpoints ---

        private TrainOutcome? Stop() => _run.Stop();

        private void Housekeeping(PauseGate? pauseSamplers)
        {
            DrainEpisodes();
            int every = _session.Config.Train.LogEveryUpdates;
            bool learning = _counters.LearningStartEnvSteps >= 0;
            if ((learning && _counters.Updates >= _nextRowUpdates) || (!learning && RunCounters.Read(ref _counters.EnvSteps) >= _nextRowSteps))
            {
                WriteProgressRow();
                _nextRowUpdates = (_counters.Updates / every + 1) * every;
                _nextRowSteps = (RunCounters.Read(ref _counters.EnvSteps) / every + 1) * every;
            }
            _run.Scheduled(pauseSamplers is null ? null : pauseSamplers.Pause, pauseSamplers is null ? null : pauseSamplers.Resume);
            _session.Tick(IdleFraction);
        }

        private void DrainEpisodes()
        {
            while (_episodes.TryDequeue(out var e)) _session.LogEpisode(e);
        }

        /// <summary>The row of whatever happened since the last one, and a last console report, when a run ends.</summary>
        public void WriteLastRow()
        {
            if (_counters.Updates != _rowUpdates || RunCounters.Read(ref _counters.EnvSteps) != _rowSteps) WriteProgressRow();
            _session.Tick(IdleFraction, force: true);
        }

        private void WriteProgressRow()
        {
            var values = _ddpg.TakeStats(RunCounters.Read(ref _counters.EnvSteps), _replay.Count);
            long episodes = 0, paramEpisodes = 0;
            double sigma = 0;
            foreach (var s in _samplers)
            {
                var (e, p, sum) = s.TakeStats();
                episodes += e;
                paramEpisodes += p;
                sigma += sum;
            }
            // Left out (an empty cell) when there is nothing to average, never NaN (issue 11).
            if (episodes > 0) values["explore/param_noise_fraction"] = paramEpisodes / (double)episodes;
            if (paramEpisodes > 0 && _session.Config.Ddpg.Exploration.ParamNoise == RL.Core.Exploration.ParameterNoiseKind.Bisection)
                values["explore/bisection_sigma"] = sigma / paramEpisodes;
            _session.LogProgress(values, IdleFraction);
            _rowUpdates = _counters.Updates;
            _rowSteps = RunCounters.Read(ref _counters.EnvSteps);
            _idleAtLastRow = _idle.Elapsed.TotalSeconds;
            _busyAtLastRow = _busy.Elapsed.TotalSeconds;
        }

        // --- what the shared run loop needs of DDPG ---

        public string Kind => Ddpg.Kind;

        public IEnumerable<TorchSharp.torch.Tensor> LearnedTensors() => _ddpg.LearnedTensors();

        /// <summary>The learner, every sampler but <paramref name="skip"/> (one that failed mid-step), and the replay when asked.</summary>
        public void Save(RL.Core.Checkpoints.CheckpointWriter w, object? skip)
        {
            _ddpg.Save(w);
            foreach (var s in _samplers)
                if (!ReferenceEquals(s, skip)) w.AddBinary(SamplerFile(s.Index), s.Save);
            if (_session.Config.Ddpg.CheckpointReplayBuffer) w.AddBinary("replay.bin", _replay.Save);
        }

        public void LoadLearner(RL.Core.Checkpoints.CheckpointReader checkpoint) => _ddpg.LoadLearner(checkpoint);

        public IEvaluationPolicy SnapshotPolicy() => MakePolicy();

        private DdpgPolicy MakePolicy()
        {
            var spec = _session.Spec;
            var actor = IsolatedInit.Build(() => new DeterministicActor(_session.Observations.Size, spec.ActionSpace, _session.Config.Ddpg.Actor,
                _session.Config.Ddpg.Actor.Noisy != NoisyLayers.None ? new TorchSharp.torch.Generator(0) : null));
            actor.to(_session.Device);
            Parameters.Copy(_ddpg.Actor, actor);
            return new DdpgPolicy(actor, _session.Observations, _session.Device);
        }

        /// <summary>Ends the run after an unexpected exception (issue 10): the episodes so far are logged first; a failed sampler's state is left out.</summary>
        private TrainOutcome Fail(Exception e, DdpgSampler? sampler)
        {
            DrainEpisodes();
            string what = sampler is not null ? $"sampler {sampler.Index} failed" : _run.LearnerBusy ? "a learner update failed" : "the training loop failed";
            return _run.Fail(e, what, sampler);
        }

        private TrainOutcome Finish(TrainOutcome outcome, bool envsHealthy = true, bool writeCheckpoint = true)
        {
            DrainEpisodes();
            return _run.Finish(outcome, envsHealthy, writeCheckpoint);
        }
    }
}
