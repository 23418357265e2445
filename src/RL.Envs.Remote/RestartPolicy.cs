namespace RL.Envs.Remote;

/// <summary>
/// How hard the pool tries to keep its servers up, and when it gives up (reliability.md R3-R5; the bounds
/// follow ML-Agents' restart limits and RLlib's consecutive-failure tolerance).
/// </summary>
public sealed record RestartPolicy
{
    /// <summary>A slot whose server failed this many times in a row (without a healthy minute between) stops the run.</summary>
    public int MaxConsecutiveFailuresPerSlot { get; init; } = 10;

    /// <summary>More restarts than this in any 60 s window, over all slots, stop the run (a crash storm, R5).</summary>
    public int MaxRestartsPerMinute { get; init; } = 5;

    /// <summary>A server that serves this long after a restart resets its slot's consecutive-failure count.</summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a group's Reset waits for its slot's replacement before giving up on this try (R4).</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Time for a local server process to announce its address and answer a health check.</summary>
    public TimeSpan ServerStartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait between reconnect attempts to a remote server; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (MaxConsecutiveFailuresPerSlot < 1) throw new ArgumentException($"restart policy: max_consecutive_failures_per_slot = {MaxConsecutiveFailuresPerSlot} must be at least 1.");
        if (MaxRestartsPerMinute < 1) throw new ArgumentException($"restart policy: max_restarts_per_minute = {MaxRestartsPerMinute} must be at least 1.");
        if (RestoreTimeout <= TimeSpan.Zero || ServerStartTimeout <= TimeSpan.Zero || InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
            throw new ArgumentException("restart policy: timeouts and back-offs must be positive, max_backoff ≥ initial_backoff.");
    }
}

/// <summary>
/// A deadline on every call (.NET gRPC has none by default). The step deadline adapts: max(<see cref="MinStep"/>,
/// <see cref="StepP99Factor"/> × the rolling p99 step time), R3, so a healthy slow step is never cut (osim-rl steps
/// took 0.04-3.5 s, stanfordnmbl/osim-rl#78) while a hung server is noticed within seconds.
/// </summary>
public sealed record EnvDeadlines
{
    public TimeSpan MinStep { get; init; } = TimeSpan.FromSeconds(5);
    public double StepP99Factor { get; init; } = 20;

    /// <summary>Open (creates and resets the envs; loading a model takes time) and Describe.</summary>
    public TimeSpan Open { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Reset { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Close { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Health { get; init; } = TimeSpan.FromSeconds(2);
}
