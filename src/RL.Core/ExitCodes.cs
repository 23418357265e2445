namespace RL.Core;

/// <summary>
/// The process exit codes of every `rl` command, in one place so the library's outcomes (TrainOutcome,
/// ConfigException) and the CLI cannot drift apart (issue 10; reliability.md R5, R6, R9, R16, R17). README.md
/// ("Training, evaluation and runs") shows the same table.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done: the budget was reached, or the command finished its work.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug, a full disk): one line on stderr, the stack trace in the run's error.log.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line or configuration, found before anything starts (R16).</summary>
    public const int Usage = 2;

    /// <summary>Environment failure: env servers could not start or kept failing (R5, R6).</summary>
    public const int EnvFailure = 3;

    /// <summary>Training produced non-finite values too often and could not roll back (R9).</summary>
    public const int NonFinite = 4;

    /// <summary>
    /// The run directory is locked by another live `rl train`. Not folded into <see cref="Usage"/>: the command and
    /// config are fine and the same command succeeds once the other trainer exits, so a job scheduler that resubmits
    /// preempted runs must tell "wait and retry" apart from "fix the config" (issue 10, part 4).
    /// </summary>
    public const int RunLocked = 5;

    /// <summary>Stopped by SIGINT (128 + 2) or SIGTERM (128 + 15) after a final checkpoint (R17).</summary>
    public const int Interrupted = 130;

    public const int Terminated = 143;
}
