using RL.Core.Networks;
using RL.Core.Optimization;
using static TorchSharp.torch;

namespace RL.Core.Tests;

public class LearningMathTests
{
    [Test]
    public void TheTdTargetBootstrapsOnTruncationAndNotOnTermination()
    {
        var reward = tensor(new float[] { 1, 1, 1 }).view(3, 1);
        var nextQ = tensor(new float[] { 10, 10, 10 }).view(3, 1);
        // row 0: episode goes on; row 1: truncated by the time limit (still bootstraps); row 2: terminated (a fall).
        var notTerminal = tensor(new float[] { 1, 1, 0 }).view(3, 1);
        var y = TemporalDifference.Target(reward, notTerminal, nextQ, 0.9).data<float>().ToArray();
        Assert.That(y, Is.EqualTo(new[] { 10f, 10f, 1f }));
    }

    [Test]
    public void HuberIsQuadraticInsideDeltaAndLinearOutside()
    {
        var prediction = tensor(new float[] { 0, 0, 0, 0 });
        var target = tensor(new float[] { 2, -5, 10, 30 });
        var perElement = new[] { 0.5 * 4, 0.5 * 25, 0.5 * 100, 10 * (30 - 5) };
        double loss = TemporalDifference.Huber(prediction, target, 10).item<float>();
        Assert.That(loss, Is.EqualTo(perElement.Average()).Within(1e-4));
        double small = TemporalDifference.Huber(tensor(new float[] { 0 }), tensor(new float[] { 30 }), 1).item<float>();
        Assert.That(small, Is.EqualTo(29.5).Within(1e-5), "δ(|x| − δ/2) beyond δ");
    }

    [Test]
    public void SoftUpdateMovesTargetsByTau()
    {
        var target = new List<Tensor> { tensor(new float[] { 0, 10 }), tensor(new float[] { 4 }) };
        var source = new List<Tensor> { tensor(new float[] { 1, 20 }), tensor(new float[] { 0 }) };
        using var tau = tensor(0.25f);
        Parameters.SoftUpdate(target, source, tau);
        Assert.That(target[0].data<float>().ToArray(), Is.EqualTo(new[] { 0.25f, 12.5f }));
        Assert.That(target[1].data<float>().ToArray(), Is.EqualTo(new[] { 3f }));
        Assert.That(source[0].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 20f }), "the source is not changed");
        using var one = tensor(1f);
        Parameters.SoftUpdate(target, source, one);
        Assert.That(target[0].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 20f }), "τ = 1 is a hard copy");
    }

    [Test]
    public void NetworksHaveTheConfiguredLayersAndOutputRanges()
    {
        manual_seed(3);
        var actor = new DeterministicActor(5, new RL.Envs.Spaces.Box(new[] { -2f, 0f }, new[] { 2f, 1f }),
            new ActorNetworkConfig { Hidden = new[] { 64, 64 }, Activation = Activation.Elu, LayerNorm = true, Output = ActorOutput.Tanh01 });
        var names = actor.named_parameters().Select(p => p.name).ToList();
        Assert.That(names, Is.EqualTo(new[]
        {
            "mlp.body.fc0.weight", "mlp.body.fc0.bias", "mlp.body.ln0.weight", "mlp.body.ln0.bias",
            "mlp.body.fc1.weight", "mlp.body.fc1.bias", "mlp.body.ln1.weight", "mlp.body.ln1.bias",
            "mlp.output.weight", "mlp.output.bias",
        }));
        var a = actor.forward(randn(1000, 5).mul(100));
        var first = a.select(1, 0);
        var second = a.select(1, 1);
        Assert.That(first.min().item<float>(), Is.GreaterThanOrEqualTo(-2f));
        Assert.That(first.max().item<float>(), Is.LessThanOrEqualTo(2f));
        Assert.That(second.min().item<float>(), Is.GreaterThanOrEqualTo(0f));
        Assert.That(second.max().item<float>(), Is.LessThanOrEqualTo(1f));
        var critic = new Critic(5, 2, new CriticNetworkConfig { Hidden = new[] { 64, 32 }, LayerNorm = false });
        Assert.That(critic.forward(randn(7, 5), randn(7, 2)).shape, Is.EqualTo(new long[] { 7, 1 }));
        Assert.That(critic.named_parameters().Count(), Is.EqualTo(6), "no LayerNorm when switched off");
    }
}
