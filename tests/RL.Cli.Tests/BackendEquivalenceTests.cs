using RL.Core.Checkpoints;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 16: where the envs run must not change what a run learns. The 2-core Learning-to-Run DDPG config in
/// deterministic (sync) mode, same seed, through the in-process envs, a local server's step channel and a local
/// server's gRPC Step stream: every episode (course seed, score, return, length, end, exploration, at the same env
/// step and update) and the final networks are the same bit for bit. Async runs part after warm-up only through
/// timing (the learner's pace against the sampler's), which this pins down as the sole difference.
/// </summary>
[NonParallelizable]
public class BackendEquivalenceTests
{
    private static readonly string[] Networks = { "actor.pt", "critic.pt", "actor_target.pt", "critic_target.pt" };

    [Test]
    public void TheSameSeedLearnsTheSameThroughInProcessEnvsAndBothLocalTransports()
    {
        string work = Directory.CreateTempSubdirectory("rl-cli-backends-").FullName;
        try
        {
            var runs = new[] { ("in_process", "socket"), ("local", "socket"), ("local", "grpc") }
                .Select(b => Train(work, b.Item1, b.Item2)).ToList();
            var reference = runs[0];
            Assert.That(reference.Episodes, Has.Count.GreaterThan(50), "the budget spans warm-up and learning");
            Assert.That(reference.Explorations.Any(e => e.StartsWith("param:")) && reference.Explorations.Contains("ou"), Is.True,
                "parameter-noise and action-noise episodes both occur");
            foreach (var run in runs.Skip(1))
            {
                Assert.That(run.Episodes, Is.EqualTo(reference.Episodes), $"{run.Name}: every episode as in process");
                Assert.That(run.Networks, Is.EqualTo(reference.Networks), $"{run.Name}: the final networks as in process");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Run(string Name, List<string> Episodes, int ExplorationColumn, Dictionary<string, string> Networks)
    {
        public IEnumerable<string> Explorations => Episodes.Select(e => e.Split(',')[ExplorationColumn]);
    }

    private static Run Train(string work, string backend, string transport)
    {
        string name = $"{backend}-{transport}";
        string runs = Path.Combine(work, name);
        var (code, stdout, stderr) = RlProcess.Run(work, TimeSpan.FromMinutes(3), "train", Path.Combine(RlProcess.ConfigsDirectory, "ddpg-l2r-reason8-2core.yaml"),
            "--set", $"runs_dir={runs}", "--set", $"env.backend={backend}", "--set", $"env.local_transport={transport}",
            "--set", "ddpg.mode=sync", "--set", "train.max_env_steps=2500", "--set", "ddpg.warmup=1000", "--set", "ddpg.batch_size=32",
            "--set", "evaluation.every_minutes=0", "--set", "evaluation.at_end=false");
        Assert.That(code, Is.EqualTo(0), $"{name}\n{stdout}{stderr}");
        string dir = Path.Combine(runs, "ddpg-l2r-reason8-2core-seed1");
        var lines = File.ReadAllLines(Path.Combine(dir, "episodes.csv"));
        var header = lines[0].Split(',');
        int wall = Array.IndexOf(header, "wall_s"), exploration = Array.IndexOf(header, "exploration");
        Assert.That(wall >= 0 && exploration >= 0, Is.True, lines[0]);
        // Wall-clock time is the one column that may differ: blanked, so every other column keeps its index.
        var episodes = lines.Skip(1).Select(l =>
        {
            var cells = l.Split(',');
            cells[wall] = "";
            return string.Join(',', cells);
        }).ToList();
        var manifest = new CheckpointStore(Path.Combine(dir, "checkpoints")).Open(CheckpointStore.LatestPointer).Manifest;
        var networks = manifest.Files.Where(f => Networks.Contains(f.Name)).ToDictionary(f => f.Name, f => f.Sha256);
        Assert.That(networks.Keys, Is.EquivalentTo(Networks), name);
        return new Run(name, episodes, exploration, networks);
    }
}
