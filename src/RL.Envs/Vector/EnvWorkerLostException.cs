namespace RL.Envs.Vector;

/// <summary>
/// A vector env's worker (an env server process or connection) died, hung past its deadline or returned a
/// broken reply. The envs on it are in an unknown state: the caller drops their partial episodes (never
/// bootstrapping from a missing state), counts them, and calls <see cref="IVectorEnv.Reset"/>, which waits
/// for the replacement. <see cref="IVectorEnv.Step"/> is never retried blindly.
/// </summary>
public class EnvWorkerLostException : Exception
{
    public EnvWorkerLostException(string worker, string reason, bool timedOut, Exception? inner = null)
        : base($"env worker {worker} lost: {reason}", inner)
    {
        Worker = worker;
        Reason = reason;
        TimedOut = timedOut;
    }

    public string Worker { get; }
    public string Reason { get; }
    public bool TimedOut { get; }
}

/// <summary>
/// Env workers keep failing (a crash storm: too many restarts of one slot or fleet-wide per minute). Training
/// must stop with a clear error and exit code 3 (reliability.md R5).
/// </summary>
public sealed class EnvFleetFailedException : Exception
{
    public EnvFleetFailedException(string message, Exception? inner = null) : base(message, inner) { }
}
