using System.Diagnostics;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Config;
using RL.Core.Logging;
using RL.Envs;
using RL.Envs.Vector;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// The run loop of PPO and TRPO: collect a rollout from every env group (<see cref="RolloutCollector"/>), build
/// its batch (mirrored when asked), let the algorithm's <see cref="IOnPolicyUpdate"/> learn from it, log one
/// progress row per update, and leave stopping, evaluations and checkpoints to the shared <see cref="RunLoop"/>.
/// Collection is synchronous, so the same seed gives the same run on CPU and a resume continues bit for bit:
/// checkpoints fall between updates, when no rollout is in flight.
/// </summary>
public static class OnPolicyTrainer
{
    public const string CollectorFile = "collector.bin";

    /// <summary>The progress.csv columns both on-policy algorithms fill.</summary>
    public static readonly CsvColumn[] CommonColumns =
    {
        new("losses/value_loss", "value^2", "mean squared error of V(s) against the GAE return targets over the update's gradient steps (scaled rewards)"),
        new("losses/entropy", "nats", "mean entropy of the policy over the rollout's rows before the update"),
        new("losses/approx_kl", "nats", "mean KL(old || new) over the rollout after the update (PPO: the mean of (r - 1) - log r at its last minibatch, the estimate target_kl uses, is in ppo/approx_kl_minibatch)"),
        new("losses/explained_variance", "-", "1 - Var(R - V) / Var(R) over the rollout's rows, V before the update: 1 is a perfect value function, 0 or less no better than a constant; empty: fewer than 2 rows or constant returns"),
        new("train/log_std_mean", "log action units", "mean of the Gaussian policy's log standard deviation row; empty: Bernoulli policy"),
        new("train/rollout_rows", "rows", "rows the update learned from (valid transitions, doubled by mirror)"),
        new("time/collect_steps_per_s", "decisions/s", "env steps per second while the rollout was collected (policy forward passes included), over all env groups"),
        new("time/collect_fraction", "fraction 0-1", "share of the update's wall time spent collecting the rollout"),
    };

    /// <summary>The RNG streams of an on-policy run, for config.yaml's provenance: network init, each group's action sampling, the minibatch order.</summary>
    public static IReadOnlyDictionary<string, object> SeedStreams(TrainingSession session, string minibatchStream) => new Dictionary<string, object>
    {
        ["torch"] = (long)(session.SeedFor(TorchStream) >> 1),
        ["samplers"] = session.Runners.Select(r => session.SeedFor(SamplerStream, r.Index).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        [minibatchStream] = session.SeedFor(minibatchStream).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal const string TorchStream = "torch";
    internal const string SamplerStream = "onpolicy-sampler";

    /// <summary>Trains algorithm <paramref name="name"/> (its checkpoint kind and config section) with <paramref name="makeUpdate"/>'s update.</summary>
    public static TrainOutcome Train(TrainingSession session, OnPolicyConfig config, string name, Func<OnPolicyModel, IOnPolicyUpdate> makeUpdate)
    {
        var spec = session.Spec;
        var pipeline = session.Observations;
        (MirrorMap, MirrorMap)? mirror = null;
        if (config.Mirror)
        {
            if (pipeline.Mirror is null || spec.ActionMirror is null)
                throw new ConfigException(null, $"{name}.mirror", "is true but the env publishes no observation and action mirror maps.");
            mirror = (pipeline.Mirror, spec.ActionMirror);
        }
        using var model = new OnPolicyModel(config, pipeline, spec.ActionSpace, session.Device, session.SeedFor(TorchStream));
        using var update = makeUpdate(model);
        using var collector = new RolloutCollector(session, model, config);
        var rollout = new Rollout(config.StepsPerEnv, collector.Envs, pipeline.Size, spec.ActionSize);
        var learner = new Learner(name, session, model, update, collector);
        var loop = new RunLoop(session, learner);
        try
        {
            if (session.ResumeFrom is { } from)
            {
                model.Load(from);
                update.Load(from);
                from.ReadBinary(CollectorFile, collector.Load);
            }
            bool restored = session.StartEnvs() && session.ResumeFrom is not null;
            collector.Start(restored);
            if (session.Counters.LearningStartEnvSteps < 0) session.Counters.LearningStartEnvSteps = RunCounters.Read(ref session.Counters.EnvSteps);
            var clock = new Stopwatch();
            while (true)
            {
                if (loop.Stop() is TrainOutcome stop) return loop.Finish(stop);
                clock.Restart();
                long before = RunCounters.Read(ref session.Counters.EnvSteps);
                try
                {
                    if (!collector.Collect(rollout)) return loop.Finish(new TrainOutcome(TrainOutcome.Interrupted, "interrupted"));
                }
                catch (EnvFleetFailedException fleet)
                {
                    return loop.Finish(new TrainOutcome(TrainOutcome.EnvFailure, $"env fleet failed: {fleet.Message}"), envsHealthy: false);
                }
                double collectSeconds = clock.Elapsed.TotalSeconds;
                long envSteps = RunCounters.Read(ref session.Counters.EnvSteps);
                Dictionary<string, double>? values;
                double explained, entropy;
                int rows;
                using (var batch = OnPolicyBatch.From(rollout, model, mirror, config.StandardiseRolloutAdvantages()))
                {
                    explained = batch.ExplainedVariance();
                    entropy = batch.Entropy;
                    rows = batch.Rows;
                    loop.LearnerBusy = true;
                    values = update.Update(batch, envSteps);
                    loop.LearnerBusy = false;
                }
                if (values is null)
                {
                    if (!loop.NonFiniteUpdate()) return loop.Finish(RunLoop.TooManyNonFinite(), writeCheckpoint: false);
                    continue;
                }
                loop.FiniteUpdate();
                session.Counters.Updates++;
                double total = clock.Elapsed.TotalSeconds;
                values["losses/entropy"] = entropy;
                if (double.IsFinite(explained)) values["losses/explained_variance"] = explained;
                if (model.Policy.LogStd is { } logStd)
                    using (no_grad())
                        values["train/log_std_mean"] = logStd.mean().item<float>();
                values["train/rollout_rows"] = rows;
                values["time/collect_steps_per_s"] = (envSteps - before) / Math.Max(1e-9, collectSeconds);
                values["time/collect_fraction"] = collectSeconds / Math.Max(1e-9, total);
                learner.Row(values, collectSeconds / Math.Max(1e-9, total));
                loop.Scheduled();
                session.Tick(learner.IdleFraction);
            }
        }
        catch (OperationCanceledException) when (session.StopRequested)
        {
            return loop.Finish(new TrainOutcome(TrainOutcome.Interrupted, "interrupted"));
        }
        catch (Exception e)
        {
            return loop.Fail(e, loop.LearnerBusy ? "a learner update failed" : "the training loop failed");
        }
    }

    /// <summary>The on-policy learner as the shared run loop sees it.</summary>
    private sealed class Learner : IRunLoopLearner
    {
        private readonly TrainingSession _session;
        private readonly OnPolicyModel _model;
        private readonly IOnPolicyUpdate _update;
        private readonly RolloutCollector _collector;
        private long _rowUpdates = -1;

        public Learner(string kind, TrainingSession session, OnPolicyModel model, IOnPolicyUpdate update, RolloutCollector collector)
        {
            Kind = kind;
            _session = session;
            _model = model;
            _update = update;
            _collector = collector;
        }

        public string Kind { get; }

        /// <summary>The learner waits for data while a rollout is collected: the share of the last update's time that took.</summary>
        public double IdleFraction { get; private set; }

        public void Row(Dictionary<string, double> values, double idle)
        {
            IdleFraction = idle;
            _session.LogProgress(values, idle);
            _rowUpdates = _session.Counters.Updates;
        }

        public IEnumerable<Tensor> LearnedTensors() => _model.LearnedTensors();

        public void Save(CheckpointWriter writer, object? skip)
        {
            _model.Save(writer);
            _update.Save(writer);
            writer.AddBinary(CollectorFile, _collector.Save);
        }

        public void LoadLearner(CheckpointReader checkpoint)
        {
            _model.Load(checkpoint);
            _update.LoadLearner(checkpoint);
        }

        public IEvaluationPolicy SnapshotPolicy() => OnPolicyPolicy.Snapshot(_model);

        public void WriteLastRow()
        {
            // Every update writes its row; a run that stops before its first one still leaves a row of counters.
            if (_rowUpdates != _session.Counters.Updates) _session.LogProgress(new Dictionary<string, double>(), IdleFraction);
            _session.Tick(IdleFraction, force: true);
        }
    }
}
