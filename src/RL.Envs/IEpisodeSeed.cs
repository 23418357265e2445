namespace RL.Envs;

/// <summary>
/// An env that knows the seed its current episode was reset with, also after a reset without one (an autoreset):
/// episodes.csv needs the seed of every episode, and only 2 of 1,360 rows of a served run had one (issue 11).
/// </summary>
public interface IEpisodeSeed
{
    /// <summary>The seed of the current episode, or null when the env was never given one (it runs its default stream).</summary>
    long? EpisodeSeed { get; }
}
