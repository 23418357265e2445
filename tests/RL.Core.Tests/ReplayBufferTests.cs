using RL.Core.Buffers;
using RL.Core.Normalization;
using RL.Envs;
using RL.Envs.Random;
using RL.Testing;
using static TorchSharp.torch;

namespace RL.Core.Tests;

public class ReplayBufferTests
{
    private static float[] Row(float v, int n) => Enumerable.Range(0, n).Select(i => v + i / 100f).ToArray();

    [Test]
    public void TheRingOverwritesTheOldestAndKeepsTerminalFlags()
    {
        var buffer = new ReplayBuffer(3, 2, 1);
        for (int i = 0; i < 5; i++) buffer.Add(Row(i, 2), new[] { (float)i }, i * 10, terminal: i % 2 == 0, Row(i + 1, 2));
        Assert.That((buffer.Count, buffer.TotalAdded), Is.EqualTo((3L, 5L)));
        var oldest = buffer.Get(0);
        Assert.That(oldest.Observation, Is.EqualTo(Row(2, 2)));
        Assert.That((oldest.Reward, oldest.Terminal), Is.EqualTo((20f, true)));
        Assert.That(buffer.Get(2).NextObservation, Is.EqualTo(Row(5, 2)));
        Assert.That(() => buffer.Add(Row(0, 2), new[] { 0f }, float.NaN, false, Row(0, 2)), Throws.ArgumentException);
    }

    [Test]
    public void FiveMillionL2RTransitionsFitInFloat32WithoutWaste()
    {
        // 41 + 41 + 18 + 1 floats and a flag byte: 405 bytes a transition, 2.03 GB for 5·10^6, allocated as it fills.
        Assert.That(ReplayBuffer.BytesPerTransition(41, 18), Is.EqualTo(405));
        var buffer = new ReplayBuffer(5_000_000, 41, 18);
        Assert.That(buffer.AllocatedBytes, Is.Zero);
        buffer.Add(new float[41], new float[18], 1, false, new float[41]);
        Assert.That(buffer.AllocatedBytes, Is.EqualTo(ReplayBuffer.ChunkSize * 405L), "one chunk for the first transition");
    }

    [Test]
    public void SaveAndLoadRestoreTheBufferExactly()
    {
        var rng = new Xoshiro256(1);
        var a = new ReplayBuffer(ReplayBuffer.ChunkSize + 10, 3, 2);
        for (int i = 0; i < ReplayBuffer.ChunkSize + 25; i++)
            a.Add(Row((float)rng.NextGaussian(), 3), Row((float)rng.NextDouble(), 2), (float)rng.NextGaussian(), rng.NextDouble() < 0.1, Row((float)rng.NextGaussian(), 3));
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) a.Save(w);
        ms.Position = 0;
        var b = new ReplayBuffer(ReplayBuffer.ChunkSize + 10, 3, 2);
        using (var r = new BinaryReader(ms)) b.Load(r);
        Assert.That((b.Count, b.TotalAdded), Is.EqualTo((a.Count, a.TotalAdded)));
        foreach (long i in new long[] { 0, 1, 77, ReplayBuffer.ChunkSize + 9 })
            Assert.That(b.Get(i), Is.EqualTo(a.Get(i)).Using<(float[], float[], float, bool, float[])>((x, y) =>
                x.Item1.SequenceEqual(y.Item1) && x.Item2.SequenceEqual(y.Item2) && x.Item3 == y.Item3 && x.Item4 == y.Item4 && x.Item5.SequenceEqual(y.Item5)));
        var r1 = new Xoshiro256(5);
        var r2 = new Xoshiro256(5);
        float[] o1 = new float[12], o2 = new float[12], a1 = new float[8], a2 = new float[8], w1 = new float[4], w2 = new float[4], t1 = new float[4], t2 = new float[4], n1 = new float[12], n2 = new float[12];
        a.Sample(r1, 4, o1, a1, w1, t1, n1);
        b.Sample(r2, 4, o2, a2, w2, t2, n2);
        Assert.That(o2, Is.EqualTo(o1));
        Assert.That(n2, Is.EqualTo(n1));
    }

    [Test]
    public void AMirroredBatchIsTheMirrorImageAndMirroringTwiceIsTheIdentity()
    {
        var spec = new TwinPendulum().Spec;
        var mirror = (spec.ObservationMirror!, spec.ActionMirror!);
        var buffer = new ReplayBuffer(100, 6, 2);
        var rng = new Xoshiro256(2);
        for (int i = 0; i < 50; i++)
            buffer.Add(Row((float)rng.NextGaussian(), 6), Row((float)rng.NextGaussian(), 2), i, i % 7 == 0, Row((float)rng.NextGaussian(), 6));
        using var batch = new TransitionBatch(8, 6, 2, CPU);
        var (s, a, r, notTerminal, next) = batch.Sample(buffer, rng, mirror);
        Assert.That(s.shape, Is.EqualTo(new long[] { 16, 6 }));
        var obs = s.data<float>().ToArray();
        var acts = a.data<float>().ToArray();
        var nexts = next.data<float>().ToArray();
        var rewards = r.data<float>().ToArray();
        var flags = notTerminal.data<float>().ToArray();
        var scratch = new float[6];
        for (int i = 0; i < 8; i++)
        {
            var original = obs.AsSpan(i * 6, 6);
            var mirrored = obs.AsSpan((i + 8) * 6, 6);
            spec.ObservationMirror!.Apply(original, scratch);
            Assert.That(mirrored.ToArray(), Is.EqualTo(scratch), "second half = Mirror(first half)");
            spec.ObservationMirror.Apply(mirrored, scratch);
            Assert.That(scratch, Is.EqualTo(original.ToArray()), "Mirror(Mirror(s)) = s");
            Assert.That(new[] { acts[(i + 8) * 2], acts[(i + 8) * 2 + 1] }, Is.EqualTo(new[] { acts[i * 2 + 1], acts[i * 2] }));
            spec.ObservationMirror.Apply(nexts.AsSpan(i * 6, 6), scratch);
            Assert.That(nexts.AsSpan((i + 8) * 6, 6).ToArray(), Is.EqualTo(scratch));
            Assert.That((rewards[i + 8], flags[i + 8]), Is.EqualTo((rewards[i], flags[i])), "reward and terminal flag are copied");
        }
        var (plain, _, _, _, _) = batch.Sample(buffer, rng, null);
        Assert.That(plain.shape, Is.EqualTo(new long[] { 8, 6 }));
    }

    [Test]
    public void TheObservationTransformKeepsAValidMirrorMap()
    {
        var spec = new TwinPendulum().Spec;
        Assert.That(() => new ObservationTransform(spec, "cos_l", new[] { "sin_l", "sin_r" }, Array.Empty<string>()),
            Throws.ArgumentException.With.Message.Contains("not symmetric"), "x − x_ref mirrors only when the reference is its own mirror image");
        Assert.That(() => new ObservationTransform(spec, null, Array.Empty<string>(), new[] { "cos_l" }), Throws.ArgumentException.With.Message.Contains("cos_r"));
        var dropped = new ObservationTransform(spec, null, Array.Empty<string>(), new[] { "cos_l", "cos_r" });
        Assert.That(dropped.Names, Is.EqualTo(new[] { "sin_l", "speed_l", "sin_r", "speed_r" }));
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        var y = new float[4];
        var back = new float[4];
        var z = new float[4];
        dropped.Apply(x, y);
        Assert.That(y, Is.EqualTo(new float[] { 2, 3, 5, 6 }));
        dropped.Mirror!.Apply(y, z);
        Assert.That(z, Is.EqualTo(new float[] { 5, 6, 2, 3 }));
        dropped.Mirror.Apply(z, back);
        Assert.That(back, Is.EqualTo(y), "mirror twice is the identity on the transformed observation too");
    }

    [Test]
    public void RelativeCoordinatesSubtractTheReferenceByName()
    {
        var spec = new CountingEnv().Spec; // episode, step, seed_value
        var t = new ObservationTransform(spec, "episode", new[] { "seed_value" }, new[] { "episode" });
        var y = new float[2];
        t.Apply(new float[] { 10, 3, 25 }, y);
        Assert.That(y, Is.EqualTo(new float[] { 3, 15 }));
        Assert.That(() => new ObservationTransform(spec, "pelvis_x", new[] { "step" }, Array.Empty<string>()),
            Throws.ArgumentException.With.Message.Contains("no observation named 'pelvis_x'"));
    }

    [Test]
    public void RunningStatisticsEqualOnePassAndCombine()
    {
        var rng = new Xoshiro256(4);
        var data = Enumerable.Range(0, 300).Select(_ => (float)(3 + 2 * rng.NextGaussian())).ToArray(); // 100 rows × 3
        var whole = new RunningMeanStd(3);
        whole.Update(data);
        var a = new RunningMeanStd(3);
        var b = new RunningMeanStd(3);
        a.Update(data.AsSpan(0, 90));
        b.Update(data.AsSpan(90, 120));
        b.Update(data.AsSpan(210));
        a.Combine(b);
        for (int i = 0; i < 3; i++)
        {
            var column = Enumerable.Range(0, 100).Select(r => (double)data[r * 3 + i]).ToArray();
            double mean = column.Average();
            double variance = column.Sum(v => (v - mean) * (v - mean)) / column.Length;
            Assert.That(whole.Mean[i], Is.EqualTo(mean).Within(1e-12));
            Assert.That(whole.Variance(i), Is.EqualTo(variance).Within(1e-10));
            Assert.That(a.Mean[i], Is.EqualTo(mean).Within(1e-12));
            Assert.That(a.Variance(i), Is.EqualTo(variance).Within(1e-10));
        }
    }
}
