namespace RL.Envs.Vector;

/// <summary>
/// N environments stepped together. Autoreset is SAME_STEP (Gymnasium's AutoresetMode.SAME_STEP): when env i's
/// episode ends in <see cref="Step"/>, the env is reset within the same call; row i of
/// <see cref="VectorStepResult.Observations"/> then holds the first observation of the new episode and row i
/// of <see cref="VectorStepResult.FinalObservations"/> the last observation of the ended one, which is the
/// next state of the transition. A transition marked <see cref="VectorStepResult.Dropped"/> has no valid next
/// state (its server was lost, or the env produced non-finite values) and must not be learned from.
/// </summary>
public interface IVectorEnv : IDisposable
{
    EnvSpec Spec { get; }
    int NumEnvs { get; }

    /// <summary>
    /// Resets every env and writes [NumEnvs × ObservationSize] observations. <paramref name="seeds"/> is
    /// empty (every env continues its own stream) or holds one seed per env. Later autoresets continue each
    /// env's stream, so one seeding makes the whole run reproducible.
    /// </summary>
    void Reset(ReadOnlySpan<long> seeds, Span<float> observations);

    /// <summary>Steps every env with [NumEnvs × ActionSize] actions.</summary>
    void Step(ReadOnlySpan<float> actions, VectorStepResult result);

    /// <summary>
    /// The seed env <paramref name="env"/>'s current episode was reset with, or null when not known: a trainer logs
    /// it with the episode, also for an episode its server loses (issue 11).
    /// </summary>
    long? EpisodeSeed(int env) => null;
}
