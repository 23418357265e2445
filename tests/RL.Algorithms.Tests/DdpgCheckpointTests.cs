using RL.Core.Buffers;
using RL.Core.Checkpoints;
using RL.Core.Exploration;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Envs;
using RL.Envs.Random;
using RL.Envs.Spaces;
using RL.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Tests;

public class DdpgCheckpointTests
{
    private static DdpgConfigFixture Make(ulong seed, bool noisyNet = false)
    {
        var spec = new TwinPendulum().Spec;
        var config = new Ddpg.DdpgConfig
        {
            Actor = new ActorNetworkConfig { Hidden = new[] { 16, 16 }, Activation = Activation.Elu, LayerNorm = true, Noisy = noisyNet ? NoisyLayers.Factorised : NoisyLayers.None },
            Critic = new CriticNetworkConfig { Hidden = new[] { 16, 8 }, Activation = Activation.Tanh, LayerNorm = true },
            BatchSize = 8, Warmup = 8, FlipProb = 0.5, GradClip = 10, HuberDelta = 10, AdamBeta2 = 0.99,
            Exploration = noisyNet ? new ExplorationConfig() : new ExplorationConfig { ParamNoise = ParameterNoiseKind.Adaptive, ParamNoiseProb = 0.3 },
        };
        var pipeline = new ObservationPipeline(new ObservationTransform(spec, null, Array.Empty<string>(), Array.Empty<string>()), true, 5, 1e-8);
        var rows = new float[20 * 6];
        var rng = new Xoshiro256(seed);
        for (int i = 0; i < rows.Length; i++) rows[i] = (float)rng.NextGaussian();
        pipeline.Observe(rows);
        var ddpg = new Ddpg.Ddpg(config, 6, spec.ActionSpace, (spec.ObservationMirror!, spec.ActionMirror!), pipeline, CPU, (s, i) => SeedSequence.Derive(seed, s, i));
        return new DdpgConfigFixture(ddpg, pipeline);
    }

    private sealed record DdpgConfigFixture(Ddpg.Ddpg Ddpg, ObservationPipeline Pipeline);

    private static ReplayBuffer Replay()
    {
        var replay = new ReplayBuffer(1000, 6, 2);
        var rng = new Xoshiro256(3);
        for (int i = 0; i < 200; i++)
            replay.Add(Enumerable.Range(0, 6).Select(_ => (float)rng.NextGaussian()).ToArray(), new[] { (float)rng.Uniform(-2, 2), (float)rng.Uniform(-2, 2) },
                (float)rng.NextGaussian(), rng.NextDouble() < 0.1, Enumerable.Range(0, 6).Select(_ => (float)rng.NextGaussian()).ToArray());
        return replay;
    }

    private static IEnumerable<(string Name, Tensor Tensor)> AllTensors(Ddpg.Ddpg d) =>
        new (string, nn.Module)[] { ("actor", d.Actor), ("critic", d.Critic), ("actor_target", d.ActorTarget), ("critic_target", d.CriticTarget) }
            .SelectMany(m => m.Item2.state_dict().Select(kv => ($"{m.Item1}.{kv.Key}", kv.Value)));

    private static byte[] FileBytes(CheckpointReader r, string name)
    {
        using var s = r.Open(name);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [TestCase(false, TestName = "RoundTripRestoresEveryTensorAndCounterBitExactly(adaptive parameter noise)")]
    [TestCase(true, TestName = "RoundTripRestoresEveryTensorAndCounterBitExactly(NoisyNet actor)")]
    public void RoundTripRestoresEveryTensorAndCounterBitExactly(bool noisyNet)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rl-ckpt-{Guid.NewGuid():N}");
        try
        {
            var replay = Replay();
            var a = Make(1, noisyNet);
            for (int i = 0; i < 120; i++) Assert.That(a.Ddpg.Update(replay, 1000 + i), Is.True);
            var store = new CheckpointStore(dir);
            store.Save(120, "ddpg", null, w =>
            {
                a.Ddpg.Save(w);
                w.AddBinary("replay.bin", replay.Save);
                w.AddBinary("normaliser.bin", a.Pipeline.Save);
            });

            var b = Make(99, noisyNet); // other seed: every parameter, RNG and statistic starts different
            Assert.That(AllTensors(b.Ddpg).Zip(AllTensors(a.Ddpg)).Any(p => !Parameters.BitwiseEqual(p.First.Tensor, p.Second.Tensor)), Is.True);
            var reader = store.Open(CheckpointStore.LatestPointer);
            b.Ddpg.Load(reader);
            var replayB = new ReplayBuffer(1000, 6, 2);
            reader.ReadBinary("replay.bin", replayB.Load);
            reader.ReadBinary("normaliser.bin", b.Pipeline.Load);

            foreach (var ((name, x), (_, y)) in AllTensors(a.Ddpg).Zip(AllTensors(b.Ddpg)))
                Assert.That(Parameters.BitwiseEqual(x, y), Is.True, $"{name} restored bit-exactly");
            Assert.That(b.Pipeline.Statistics.Count, Is.EqualTo(a.Pipeline.Statistics.Count));
            Assert.That(b.Pipeline.Statistics.Mean.ToArray(), Is.EqualTo(a.Pipeline.Statistics.Mean.ToArray()));
            Assert.That(replayB.TotalAdded, Is.EqualTo(replay.TotalAdded));

            // Saving the restored learner again gives the same bytes for every file: optimiser moments and step
            // counts, the replay/flip/adaptive PRNGs, torch's generator, NoisyNet generators, adaptive σ, counters.
            store.Save(121, "ddpg", null, w =>
            {
                b.Ddpg.Save(w);
                w.AddBinary("replay.bin", replayB.Save);
                w.AddBinary("normaliser.bin", b.Pipeline.Save);
            });
            var first = store.Open(CheckpointStore.NameFor(120));
            var second = store.Open(CheckpointStore.NameFor(121));
            foreach (var file in first.Manifest.Files)
                Assert.That(FileBytes(second, file.Name), Is.EqualTo(FileBytes(first, file.Name)), file.Name);

            // And both continue identically.
            for (int i = 0; i < 60; i++)
            {
                Assert.That(a.Ddpg.Update(replay, 2000 + i), Is.True);
                Assert.That(b.Ddpg.Update(replayB, 2000 + i), Is.True);
            }
            foreach (var ((name, x), (_, y)) in AllTensors(a.Ddpg).Zip(AllTensors(b.Ddpg)))
                Assert.That(Parameters.BitwiseEqual(x, y), Is.True, $"{name} after 60 more updates");
            a.Ddpg.Dispose();
            b.Ddpg.Dispose();
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ANonFiniteBatchSkipsTheUpdateAndLeavesEveryParameterUnchanged()
    {
        var f = Make(5);
        var replay = new ReplayBuffer(100, 6, 2);
        for (int i = 0; i < 20; i++)
            replay.Add(new[] { float.NaN, 0, 0, 0, 0, 0 }, new[] { 0f, 0f }, 1f, false, new float[6]);
        var before = AllTensors(f.Ddpg).Select(t => (t.Name, t.Tensor.clone())).ToList();
        Assert.That(f.Ddpg.Update(replay, 0), Is.False, "reliability.md R9: the update is skipped");
        foreach (var ((name, x), (_, y)) in before.Zip(AllTensors(f.Ddpg)))
            Assert.That(Parameters.BitwiseEqual(x, y), Is.True, $"{name} unchanged");
        f.Ddpg.Dispose();
    }

    [Test]
    public void UpdatesDoNotLeakTensors()
    {
        var f = Make(6);
        var replay = Replay();
        for (int i = 0; i < 20; i++) f.Ddpg.Update(replay, i);
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 200; i++) f.Ddpg.Update(replay, i);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(live), "live tensors after 200 more updates (TorchSharp#1278 class of leak)");
        f.Ddpg.Dispose();
    }
}
