namespace RL.Envs.Remote;

/// <summary>
/// The counters every run logs about its env servers (reliability.md §5), so a degraded run looks different from a
/// healthy one. Thread-safe; <see cref="Snapshot"/> gives them under their logging keys.
/// </summary>
public sealed class EnvFleetStats
{
    private long _restarts, _timeouts, _episodesDropped, _transitionsDropped, _simErrors, _nonFinite, _clipped, _actions;
    private readonly Func<int> _healthyServers;

    internal EnvFleetStats(Func<int> healthyServers, int servers)
    {
        _healthyServers = healthyServers;
        Servers = servers;
    }

    /// <summary><c>env/restarts</c>: servers replaced (local) or reconnected (remote) after a loss.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary><c>env/timeouts</c>: calls that ran past their deadline.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary><c>episodes/dropped</c>: episodes in flight on a lost server, discarded.</summary>
    public long EpisodesDropped => Interlocked.Read(ref _episodesDropped);

    /// <summary><c>transitions/dropped</c>: env steps of those episodes.</summary>
    public long TransitionsDropped => Interlocked.Read(ref _transitionsDropped);

    /// <summary><c>env/sim_errors</c>: episodes ended by simulator divergence.</summary>
    public long SimErrors => Interlocked.Read(ref _simErrors);

    /// <summary><c>env/nonfinite_obs</c>: transitions dropped for a non-finite observation or reward.</summary>
    public long NonFiniteObservations => Interlocked.Read(ref _nonFinite);

    /// <summary><c>env/healthy_servers</c>: servers able to step right now.</summary>
    public int HealthyServers => _healthyServers();

    public int Servers { get; }

    /// <summary><c>actions/clipped_fraction</c>: share of action elements clipped to the action space, over the run.</summary>
    public double ClippedFraction => Interlocked.Read(ref _actions) is long n && n > 0 ? (double)Interlocked.Read(ref _clipped) / n : 0;

    internal void AddRestart() => Interlocked.Increment(ref _restarts);
    internal void AddTimeout() => Interlocked.Increment(ref _timeouts);

    internal void AddDropped(long episodes, long transitions)
    {
        Interlocked.Add(ref _episodesDropped, episodes);
        Interlocked.Add(ref _transitionsDropped, transitions);
    }

    internal void AddSimError() => Interlocked.Increment(ref _simErrors);
    internal void AddNonFinite() => Interlocked.Increment(ref _nonFinite);

    internal void AddActions(long elements, long clipped)
    {
        Interlocked.Add(ref _actions, elements);
        Interlocked.Add(ref _clipped, clipped);
    }

    /// <summary>The counters under their logging keys (console, progress.csv, TensorBoard).</summary>
    public IReadOnlyDictionary<string, double> Snapshot() => new Dictionary<string, double>
    {
        ["env/restarts"] = Restarts,
        ["env/timeouts"] = Timeouts,
        ["env/sim_errors"] = SimErrors,
        ["env/nonfinite_obs"] = NonFiniteObservations,
        ["env/healthy_servers"] = HealthyServers,
        ["episodes/dropped"] = EpisodesDropped,
        ["transitions/dropped"] = TransitionsDropped,
        ["actions/clipped_fraction"] = ClippedFraction,
    };

    public override string ToString() =>
        $"env/healthy_servers {HealthyServers}/{Servers}, env/restarts {Restarts}, env/timeouts {Timeouts}, episodes/dropped {EpisodesDropped}, " +
        $"transitions/dropped {TransitionsDropped}, env/sim_errors {SimErrors}, env/nonfinite_obs {NonFiniteObservations}";
}
