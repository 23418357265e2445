namespace RL.Algorithms.Training;

/// <summary>How a training run ended, and the process exit code that says so (any algorithm's, issue 12).</summary>
public sealed record TrainOutcome(int ExitCode, string Reason)
{
    // The codes are the shared table's (RL.Core.ExitCodes, issue 10). Failure: an unexpected exception in a sampler,
    // an update or the loop (error.log has the details).
    public const int Completed = RL.Core.ExitCodes.Ok, Failure = RL.Core.ExitCodes.Failure, EnvFailure = RL.Core.ExitCodes.EnvFailure,
        NonFinite = RL.Core.ExitCodes.NonFinite, Interrupted = RL.Core.ExitCodes.Interrupted;
}
