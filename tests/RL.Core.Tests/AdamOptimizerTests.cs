using RL.Core.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Tests;

/// <summary>
/// Our Adam and gradient clipping (which keep their Scalars alive across native calls) compute what TorchSharp's
/// optim.Adam and nn.utils.clip_grad_norm_ compute, and Adam's state survives a save/load bit-exactly.
/// </summary>
public class AdamOptimizerTests
{
    private static nn.Module<Tensor, Tensor> Net(int seed)
    {
        manual_seed(seed);
        return nn.Sequential(("fc1", nn.Linear(5, 16)), ("ln", nn.LayerNorm(16)), ("act", nn.Tanh()), ("fc2", nn.Linear(16, 3)));
    }

    private static void Backward(nn.Module<Tensor, Tensor> net, int step)
    {
        using var scope = NewDisposeScope();
        manual_seed(1000 + step);
        var x = randn(64, 5);
        var y = randn(64, 3);
        nn.functional.mse_loss(net.forward(x), y).backward();
    }

    [Test]
    public void MatchesTorchSharpAdamOver50StepsWithClipping()
    {
        using var ours = Net(3);
        using var theirs = Net(3);
        using var adam = new AdamOptimizer(ours.parameters(), 2e-3, 0.9, 0.99, 1e-8);
        var reference = optim.Adam(theirs.parameters(), 2e-3, 0.9, 0.99, 1e-8);
        var ourParams = ours.parameters().ToList();
        var theirParams = theirs.parameters().ToList();
        for (int step = 0; step < 50; step++)
        {
            adam.ZeroGrad();
            reference.zero_grad();
            Backward(ours, step);
            Backward(theirs, step);
            // A small max norm so that clipping is active in most steps.
            double ourNorm = GradientClipping.ClipGlobalNorm(ourParams, 0.05);
            double theirNorm = nn.utils.clip_grad_norm_(theirParams, 0.05);
            Assert.That(ourNorm, Is.EqualTo(theirNorm).Within(1e-4).Percent, $"global norm at step {step}");
            adam.Step();
            reference.step();
        }
        for (int i = 0; i < ourParams.Count; i++)
        {
            double diff = (ourParams[i] - theirParams[i]).abs().max().item<float>();
            Assert.That(diff, Is.LessThan(1e-6), $"parameter {i} after 50 steps");
            double moved = (ourParams[i] - Net(3).parameters().ElementAt(i)).abs().max().item<float>();
            Assert.That(moved, Is.GreaterThan(1e-3), $"parameter {i} did not move: the comparison would be vacuous");
        }
        Assert.That(adam.Steps, Is.EqualTo(50));
    }

    [Test]
    public void ClippingLeavesSmallGradientsUnchangedAndReportsTheNorm()
    {
        using var net = Net(4);
        Backward(net, 0);
        var parameters = net.parameters().ToList();
        var before = parameters.Select(p => p.grad!.clone()).ToList();
        double expected = Math.Sqrt(before.Sum(g => g.square().sum().item<float>()));
        double norm = GradientClipping.ClipGlobalNorm(parameters, 1e6);
        Assert.That(norm, Is.EqualTo(expected).Within(1e-4).Percent);
        for (int i = 0; i < parameters.Count; i++)
            Assert.That(parameters[i].grad!.equal(before[i]).all().item<bool>(), Is.True, $"gradient {i} changed although its norm is below the limit");
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm(parameters, 0));
    }

    [Test]
    public void SaveAndLoadContinueBitIdentically()
    {
        using var a = Net(5);
        using var b = Net(5);
        using var adamA = new AdamOptimizer(a.parameters(), 1e-3, 0.9, 0.99);
        using var adamB = new AdamOptimizer(b.parameters(), 7e-3, 0.9, 0.99);
        for (int step = 0; step < 10; step++)
        {
            adamA.ZeroGrad();
            Backward(a, step);
            adamA.Step();
        }
        using (var s = new MemoryStream())
        {
            using (var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true)) adamA.Save(w);
            s.Position = 0;
            using var r = new BinaryReader(s);
            adamB.Load(r, "test stream");
        }
        using (no_grad())
            foreach (var (pa, pb) in a.parameters().Zip(b.parameters())) pb.copy_(pa);
        Assert.That(adamB.Steps, Is.EqualTo(10));
        Assert.That(adamB.LearningRate, Is.EqualTo(1e-3));
        for (int step = 10; step < 20; step++)
        {
            adamA.ZeroGrad();
            adamB.ZeroGrad();
            Backward(a, step);
            Backward(b, step);
            adamA.Step();
            adamB.Step();
        }
        foreach (var (pa, pb) in a.parameters().Zip(b.parameters()))
            Assert.That(pa.equal(pb).all().item<bool>(), Is.True, "a restored Adam continues bit-identically");
    }

    [Test]
    public void LoadingStateOfOtherParametersOrBetasFailsNamingTheDifference()
    {
        using var small = Net(6);
        using var adam = new AdamOptimizer(small.parameters(), 1e-3, 0.9, 0.99);
        using var other = new AdamOptimizer(small.parameters(), 1e-3, 0.8, 0.99);
        using var s = new MemoryStream();
        using (var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true)) adam.Save(w);
        s.Position = 0;
        using var r = new BinaryReader(s);
        var e = Assert.Throws<InvalidDataException>(() => other.Load(r, "ckpt/actor_optimizer.bin"));
        Assert.That(e!.Message, Does.Contain("ckpt/actor_optimizer.bin").And.Contain("β₁"));
    }
}
