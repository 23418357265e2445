namespace RL.Cli;

/// <summary>Process exit codes of the `rl` command (reliability.md R5, R6, R16, R17).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;

    /// <summary>Bad command line or configuration (R16).</summary>
    public const int Usage = 2;

    /// <summary>Environment failure: env servers could not start or kept failing (R5, R6).</summary>
    public const int EnvFailure = 3;

    /// <summary>Stopped by SIGINT (128 + 2) or SIGTERM (128 + 15), R17.</summary>
    public const int Interrupted = 130;
    public const int Terminated = 143;
}
