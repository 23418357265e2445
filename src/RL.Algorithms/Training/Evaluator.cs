using RL.Envs;
using RL.Envs.Vector;

namespace RL.Algorithms.Training;

/// <summary>A policy that maps raw env observations to actions (deterministic when evaluating).</summary>
public interface IPolicy
{
    /// <summary>Writes one action row per observation row.</summary>
    void Act(ReadOnlySpan<float> observations, Span<float> actions);
}

/// <summary>One evaluation episode.</summary>
public sealed record EvaluationEpisode(int Index, long Seed, double Score, double Return, int Length, EndReason Reason)
{
    /// <summary>A fall: the episode hit a terminal state before the time limit.</summary>
    public bool Fell => Reason == EndReason.Terminated;
}

/// <summary>The outcome of N evaluation episodes, with the statistics the 2017 teams reported (recipes §6.10).</summary>
public sealed record EvaluationResult(IReadOnlyList<EvaluationEpisode> Episodes)
{
    public double Mean => Episodes.Count == 0 ? double.NaN : Episodes.Average(e => e.Score);

    /// <summary>Sample standard deviation of the scores.</summary>
    public double Sd
    {
        get
        {
            if (Episodes.Count < 2) return 0;
            double mean = Mean;
            return Math.Sqrt(Episodes.Sum(e => (e.Score - mean) * (e.Score - mean)) / (Episodes.Count - 1));
        }
    }

    public double FallRate => Episodes.Count == 0 ? double.NaN : Episodes.Count(e => e.Fell) / (double)Episodes.Count;

    /// <summary>Mean score of the episodes that did not fall (NNAISENSE's "completed runs"); NaN when all fell.</summary>
    public double MeanCompleted => Episodes.Any(e => !e.Fell) ? Episodes.Where(e => !e.Fell).Average(e => e.Score) : double.NaN;
}

/// <summary>
/// Runs a policy for N episodes with seeds first_seed, first_seed + 1, …: rounds of one episode per env of the
/// group, each round reset with explicit seeds so the episodes do not depend on the group size. A lost worker
/// repeats the round (up to 3 times).
/// </summary>
public static class Evaluator
{
    public static EvaluationResult Run(IVectorEnv group, IPolicy policy, long firstSeed, int episodes, CancellationToken cancel = default)
    {
        int n = group.NumEnvs, obs = group.Spec.ObservationSize, act = group.Spec.ActionSize;
        var observations = new float[n * obs];
        var actions = new float[n * act];
        var result = new VectorStepResult(n, obs);
        var seeds = new long[n];
        var done = new EvaluationEpisode?[episodes];
        for (int start = 0; start < episodes; start += n)
        {
            int count = Math.Min(n, episodes - start);
            for (int attempt = 1; ; attempt++)
            {
                for (int i = 0; i < n; i++) seeds[i] = firstSeed + start + Math.Min(i, count - 1);
                try
                {
                    RunRound(group, policy, seeds, count, start, observations, actions, result, done, cancel);
                    break;
                }
                catch (EnvWorkerLostException) when (attempt < 3)
                {
                    for (int i = 0; i < count; i++) done[start + i] = null;
                }
            }
        }
        return new EvaluationResult(done.Select(e => e!).ToList());
    }

    private static void RunRound(IVectorEnv group, IPolicy policy, long[] seeds, int count, int start, float[] observations,
        float[] actions, VectorStepResult result, EvaluationEpisode?[] done, CancellationToken cancel)
    {
        group.Reset(seeds, observations);
        int remaining = count;
        while (remaining > 0)
        {
            cancel.ThrowIfCancellationRequested();
            policy.Act(observations, actions);
            group.Step(actions, result);
            result.Observations.CopyTo(observations, 0);
            foreach (var e in result.Episodes)
            {
                if (e.EnvIndex >= count || done[start + e.EnvIndex] is not null) continue;
                done[start + e.EnvIndex] = new EvaluationEpisode(start + e.EnvIndex, seeds[e.EnvIndex], e.Score, e.Return, e.Length, e.Reason);
                remaining--;
            }
        }
    }
}
