namespace RL.Envs;

/// <summary>Why an episode ended. Written to episodes.csv; the names are part of the run-directory contract.</summary>
public enum EndReason
{
    /// <summary>The episode goes on.</summary>
    None = 0,
    /// <summary>A terminal state of the task (Learning to Run: pelvis below 0.65 m). Value bootstrap is 0.</summary>
    Terminated = 1,
    /// <summary>The step limit was reached (a truncation: the value is bootstrapped).</summary>
    TimeLimit = 2,
    /// <summary>The simulator diverged (a MuJoCo warning counter moved, or its state became non-finite): a truncation.</summary>
    SimError = 3,
    /// <summary>The env produced a non-finite observation or reward; the step is not used.</summary>
    NonFiniteObservation = 4,
    /// <summary>The env server serving the episode died or hung; the partial episode is dropped.</summary>
    ServerLost = 5,
}

public static class EndReasons
{
    /// <summary>The snake_case name used in files and over the wire.</summary>
    public static string Name(this EndReason reason) => reason switch
    {
        EndReason.None => "none",
        EndReason.Terminated => "terminated",
        EndReason.TimeLimit => "time_limit",
        EndReason.SimError => "sim_error",
        EndReason.NonFiniteObservation => "nonfinite_obs",
        EndReason.ServerLost => "server_lost",
        _ => reason.ToString(),
    };

    public static EndReason Parse(string name) =>
        Enum.GetValues<EndReason>().FirstOrDefault(r => r.Name() == name, (EndReason)(-1)) is var r && (int)r >= 0
            ? r
            : throw new ArgumentException($"unknown end reason '{name}'.");
}
