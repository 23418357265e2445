using RL.Algorithms.Training;
using RL.Envs.Random;

namespace RL.Algorithms.Tests;

/// <summary>config.yaml's seeds block: the run's own streams and those the algorithm names (issue 12).</summary>
public class ProvenanceTests
{
    [Test]
    public void ADdpgRunRecordsTheSeedsOfItsStreams()
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TestRuns.TinyYaml(runs, "seeds"));
            string root;
            using (var session = TrainingSession.Open(config, TestRuns.Providers(), new SessionOptions
            {
                AlgorithmColumns = Ddpg.Ddpg.ProgressColumns,
                SeedStreams = AlgorithmCatalog.For(AlgorithmKind.Ddpg).SeedStreams,
            }))
                root = session.Directory.Root;
            var lines = File.ReadAllLines(Path.Combine(root, "config.yaml"));
            int at = Array.IndexOf(lines, "  seeds:");
            Assert.That(at, Is.GreaterThan(0));
            string S(string stream, long index = 0) => $"\"{SeedSequence.Derive(7, stream, index)}\"";
            // The block as rl wrote it before issue 12 moved DDPG's streams (torch, replay, samplers) out of the session.
            Assert.That(lines[(at + 1)..(at + 6)], Is.EqualTo(new[]
            {
                "    master: 7",
                $"    torch: {(long)(SeedSequence.Derive(7, "torch") >> 1)}",
                $"    replay: {S("replay")}",
                $"    samplers: [{S("sampler", 0)}, {S("sampler", 1)}]",
                $"    envs: [{string.Join(", ", Enumerable.Range(0, 4).Select(i => SeedSequence.DeriveEnvSeed(7, "env", i)))}]",
            }));
            Assert.That(lines.Skip(at + 6).FirstOrDefault() ?? "", Does.Not.StartWith("    "), "nothing else in the block");
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
