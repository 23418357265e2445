namespace RL.Cli.Tests;

/// <summary>
/// Short in-process Pendulum runs for the run-directory tests: experiments/configs/ddpg-pendulum.yaml with small
/// budgets, a checkpoint every 100 updates, and a runs_dir of the test's own.
/// </summary>
internal static class PendulumRuns
{
    public static string Config => Path.Combine(RlProcess.ConfigsDirectory, "ddpg-pendulum.yaml");

    /// <summary>`rl train` arguments for a Pendulum run in <paramref name="runsDir"/> that stops after <paramref name="envSteps"/>.</summary>
    public static string[] TrainArgs(string runsDir, long envSteps, params string[] extraSets)
    {
        var args = new List<string> { "train", Config };
        foreach (string set in new[]
                 {
                     $"runs_dir={runsDir}", $"train.max_env_steps={envSteps}", "ddpg.warmup=100", "ddpg.batch_size=32",
                     "checkpoint.every_minutes=0", "checkpoint.every_updates=100", "evaluation.every_env_steps=0", "evaluation.episodes=1",
                 }.Concat(extraSets))
        {
            args.Add("--set");
            args.Add(set);
        }
        return args.ToArray();
    }

    /// <summary>A copy of a run directory (checkpoints are small), so each test changes its own.</summary>
    public static string Copy(string runDirectory, string into)
    {
        string target = Path.Combine(into, Path.GetFileName(runDirectory));
        foreach (string dir in Directory.GetDirectories(runDirectory, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(runDirectory, target, StringComparison.Ordinal));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(runDirectory, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(runDirectory, target, StringComparison.Ordinal));
        return target;
    }

    /// <summary>Output that must never appear: System.CommandLine's dump of an unhandled exception, or a stack frame.</summary>
    public static void AssertNoStackTrace(string stderr)
    {
        Assert.That(stderr, Does.Not.Contain("Unhandled exception"));
        Assert.That(stderr, Does.Not.Match(@"(?m)^\s+at \S+\("), "no stack frame on stderr");
    }
}
