namespace RL.Analysis.Tests;

/// <summary>A two-variant sweep whose final values are known by hand, shared by the summary, figure and report tests.</summary>
internal static class AnalysisFixtures
{
    /// <summary>Final evaluation scores: a = 1, 2, 3, 10 (seeds 1-4); b = 0, 2, 5 (seeds 1-3).</summary>
    public static readonly IReadOnlyDictionary<string, double[]> Finals = new Dictionary<string, double[]>
    {
        ["a"] = [1, 2, 3, 10],
        ["b"] = [0, 2, 5],
    };

    /// <summary>
    /// runs/exp/{a,b}/seed_k: evaluations at 500 and 1000 decisions (the last one the final value), training episodes
    /// every 100 decisions scoring the seed, the critic loss falling; b changes ddpg.flip_prob.
    /// </summary>
    public static void Sweep(RunFixture runs)
    {
        runs.Experiment("exp", "a", "b");
        foreach (var (variant, finals) in Finals)
            for (int k = 0; k < finals.Length; k++)
                runs.Run($"{variant}/seed_{k + 1}", new RunSpec
                {
                    Name = $"exp-{variant}",
                    Seed = k + 1,
                    Config = new Dictionary<string, string> { ["ddpg.flip_prob"] = variant == "a" ? "1.0" : "0.0", ["ddpg.tau"] = "0.001" },
                    Evaluations = [(500, [finals[k] / 2, finals[k] / 2]), (1000, [finals[k] - 1, finals[k] + 1])],
                    Episodes = Enumerable.Range(1, 10).Select(i => (i * 100.0, (double)(k + 1) + (variant == "a" ? i : 0), "terminated")).ToArray(),
                    Progress = Enumerable.Range(1, 10).Select(i => (i * 100.0, (double?)(10.0 / i))).ToArray(),
                });
    }
}
