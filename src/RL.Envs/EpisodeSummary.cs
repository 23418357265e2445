namespace RL.Envs;

/// <summary>One finished episode, as written to episodes.csv.</summary>
/// <param name="EnvIndex">Index of the env within its vector env.</param>
/// <param name="Score">Sum of the task's unshaped reward (Learning to Run: the 2017 score in metres).</param>
/// <param name="Return">Sum of the training reward.</param>
/// <param name="Length">Number of env steps (decisions).</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="Seed">The seed of its reset, when one was given.</param>
/// <param name="Terms">Per-term sums, in the order of <see cref="EnvSpec.RewardTermNames"/>.</param>
public sealed record EpisodeSummary(int EnvIndex, double Score, double Return, int Length, EndReason Reason, long? Seed, double[] Terms);
