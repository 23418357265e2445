using RL.Core.Checkpoints;
using RL.Core.Networks;
using RL.Envs.Vector;
using static TorchSharp.torch;

namespace RL.Algorithms.Training;

/// <summary>What the shared run loop needs of an algorithm's learner: its state to save, check and roll back, and a policy to evaluate.</summary>
public interface IRunLoopLearner
{
    /// <summary>The checkpoint kind (the algorithm's config name).</summary>
    string Kind { get; }

    /// <summary>Every learned tensor, checked for finiteness before a checkpoint is written (reliability.md R9).</summary>
    IEnumerable<Tensor> LearnedTensors();

    /// <summary>Writes the algorithm's files; <paramref name="skip"/> names a part whose state is unsound (a failed sampler), or null.</summary>
    void Save(CheckpointWriter writer, object? skip);

    /// <summary>Reloads only what learning changes (networks, optimisers): the rollback of R9.</summary>
    void LoadLearner(CheckpointReader checkpoint);

    /// <summary>A copy of the current deterministic policy, for an evaluation.</summary>
    IEvaluationPolicy SnapshotPolicy();

    /// <summary>Writes a progress row of what happened since the last one (called when the run ends).</summary>
    void WriteLastRow();
}

/// <summary>
/// The run-loop housekeeping every algorithm shares (issue 12): when to stop (budget, Ctrl-C), evaluations and
/// checkpoints on schedule with the best kept by score, the non-finite guard with rollback (R9), and the two
/// ways a run ends: <see cref="Finish"/> (final evaluation and checkpoint) and <see cref="Fail"/> (issue 10:
/// the exception in error.log, a final checkpoint when the learner's state is sound, exit code 1). The
/// algorithm's loop decides only how it collects and learns.
/// </summary>
public sealed class RunLoop
{
    private readonly TrainingSession _session;
    private readonly IRunLoopLearner _learner;
    private readonly RunCounters _counters;
    private int _consecutiveNonfinite;
    private (long Updates, double Score)? _scored;

    public RunLoop(TrainingSession session, IRunLoopLearner learner)
    {
        _session = session;
        _learner = learner;
        _counters = session.Counters;
    }

    /// <summary>True while an update changes the networks and optimisers: an exception then leaves them half-updated.</summary>
    public bool LearnerBusy { get; set; }

    /// <summary>The outcome when the run must stop now (a stop request or an exhausted budget), else null.</summary>
    public TrainOutcome? Stop()
    {
        if (_session.StopRequested) return new TrainOutcome(TrainOutcome.Interrupted, "interrupted");
        return _session.BudgetReached() is string budget ? new TrainOutcome(TrainOutcome.Completed, $"budget reached: {budget}") : null;
    }

    /// <summary>Evaluates and/or checkpoints when the schedule says so.</summary>
    public void Scheduled(Action? pause = null, Action? resume = null)
    {
        if (_session.EvaluationDue()) Checkpoint(evaluate: true, pause, resume);
        else if (_session.CheckpointDue()) Checkpoint(evaluate: false, pause, resume);
    }

    /// <summary>
    /// Counts a skipped non-finite update; after train.max_consecutive_nonfinite in a row, rolls the learner back to
    /// the latest valid checkpoint (on_nonfinite: rollback) or says the run must stop (false).
    /// </summary>
    public bool NonFiniteUpdate()
    {
        _counters.NonfiniteUpdates++;
        _consecutiveNonfinite++;
        _session.Message($"update skipped: non-finite loss or gradient ({_consecutiveNonfinite} in a row)");
        if (_consecutiveNonfinite < _session.Config.Train.MaxConsecutiveNonfinite) return true;
        if (_session.Config.Train.OnNonfinite == NonFinitePolicy.Rollback && _session.Checkpoints.OpenLatestValid(new List<string>()) is { } last)
        {
            _learner.LoadLearner(last);
            _counters.Rollbacks++;
            _consecutiveNonfinite = 0;
            _session.Message($"rolled the learner back to checkpoint {last.Name}");
            return true;
        }
        return false;
    }

    public void FiniteUpdate() => _consecutiveNonfinite = 0;

    public static TrainOutcome TooManyNonFinite() =>
        new(TrainOutcome.NonFinite, "too many consecutive non-finite updates and no checkpoint to roll back to");

    /// <summary>
    /// Evaluates (optionally) and writes a checkpoint with the collectors parked (<paramref name="pause"/> /
    /// <paramref name="resume"/>); returns its name, or null when a parameter is not finite.
    /// </summary>
    public string? Checkpoint(bool evaluate, Action? pause = null, Action? resume = null, object? skip = null)
    {
        double? score = null;
        if (evaluate)
        {
            using var policy = _learner.SnapshotPolicy();
            score = _session.Evaluate(policy).Mean;
            _scored = (_counters.Updates, score.Value);
        }
        // Checkpoints are named by update count; a later one at the same count holds the same policy, so it keeps the score.
        else if (_scored is (long updates, double previous) && updates == _counters.Updates)
        {
            score = previous;
        }
        if (!Parameters.AllFinite(_learner.LearnedTensors()))
        {
            _session.Message("checkpoint not written: a network parameter is not finite (reliability.md R9)");
            return null;
        }
        pause?.Invoke();
        try
        {
            var manifest = _session.SaveCheckpoint(_learner.Kind, score, w => _learner.Save(w, skip));
            _session.Message($"checkpoint {manifest.Name} written{(score is double sc ? $" (evaluation score {sc:F3})" : "")}");
            return manifest.Name;
        }
        finally
        {
            resume?.Invoke();
        }
    }

    /// <summary>Ends the run: a final evaluation (when it completed its budget and was not just evaluated) and checkpoint, and the last progress row.</summary>
    public TrainOutcome Finish(TrainOutcome outcome, bool envsHealthy = true, bool writeCheckpoint = true)
    {
        _session.Message($"stopping: {outcome.Reason}");
        if (writeCheckpoint)
        {
            bool evaluate = outcome.ExitCode == TrainOutcome.Completed && _session.Config.Evaluation.AtEnd && envsHealthy
                && _session.LastEvaluationEnvSteps != RunCounters.Read(ref _counters.EnvSteps);
            try
            {
                Checkpoint(evaluate);
            }
            catch (Exception e) when (e is EnvFleetFailedException or EnvWorkerLostException or OperationCanceledException)
            {
                _session.Message($"final evaluation failed ({e.Message}); writing the checkpoint without it");
                Checkpoint(evaluate: false);
            }
        }
        _learner.WriteLastRow();
        return outcome;
    }

    /// <summary>
    /// Ends the run after an unexpected exception (issue 10: never an unhandled-exception dump, never work lost
    /// that can be saved): the full exception goes to error.log in the run directory, and a final checkpoint is
    /// written when the learner's state is sound. <paramref name="skip"/>'s state is left out of it. Exit code 1.
    /// </summary>
    public TrainOutcome Fail(Exception e, string what, object? skip = null)
    {
        string log = _session.Directory.ErrorLogPath;
        try
        {
            File.AppendAllText(log, $"{DateTime.UtcNow:o} {what} at {_counters.Updates} updates, {RunCounters.Read(ref _counters.EnvSteps)} env steps\n{e}\n\n");
        }
        catch (IOException)
        {
            log = "stderr (error.log could not be written)";
            Console.Error.WriteLine(e);
        }
        string saved;
        if (LearnerBusy)
        {
            saved = "no final checkpoint (the update was interrupted, so the networks may be half-updated)";
        }
        else
        {
            try
            {
                saved = Checkpoint(evaluate: false, skip: skip) is string name
                    ? $"final checkpoint {name} written"
                    : "no final checkpoint (a parameter is not finite)";
            }
            catch (Exception c)
            {
                saved = $"no final checkpoint ({c.Message})";
            }
        }
        try
        {
            _learner.WriteLastRow();
        }
        catch (Exception)
        {
            // The outcome below says what happened; a log row that cannot be written adds nothing to it.
        }
        var outcome = new TrainOutcome(TrainOutcome.Failure, $"{what}: {e.Message} ({e.GetType().Name}; details in {log}); {saved}");
        _session.Message($"stopping: {outcome.Reason}");
        return outcome;
    }
}
