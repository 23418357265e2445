using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Tests;

/// <summary>TorchSharp works end to end on this machine: LayerNorm forward, backward and an Adam step on CPU.</summary>
public class TorchSmokeTests
{
    [Test]
    public void LayerNormForwardBackwardAndAdamStep()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var net = nn.Sequential(
            ("fc1", nn.Linear(4, 16)),
            ("ln1", nn.LayerNorm(16)),
            ("act1", nn.Tanh()),
            ("fc2", nn.Linear(16, 1)));
        var x = randn(32, 4);
        var y = x.sum(1, keepdim: true).sin();

        // LayerNorm output: zero mean and unit (biased) variance over the features of each row.
        var hidden = ((nn.Module<Tensor, Tensor>)net[1]).forward(((nn.Module<Tensor, Tensor>)net[0]).forward(x));
        Assert.That(hidden.mean([1]).abs().max().item<float>(), Is.LessThan(1e-5f));
        Assert.That((hidden.var(1, unbiased: false) - 1).abs().max().item<float>(), Is.LessThan(1e-3f));

        const double lr = 1e-3;
        var optimizer = optim.Adam(net.parameters(), lr);
        var before = net.parameters().Select(p => p.detach().clone()).ToArray();
        var loss0 = nn.functional.mse_loss(net.forward(x), y);
        optimizer.zero_grad();
        loss0.backward();
        var grads = net.parameters().Select(p => p.grad!.clone()).ToArray();
        optimizer.step();

        // First Adam step: m̂/√v̂ = g/|g|, so every weight with a non-zero gradient moves by lr against it.
        var after = net.parameters().ToArray();
        for (int i = 0; i < after.Length; i++)
        {
            var step = (after[i].detach() - before[i]);
            var expected = -lr * grads[i].sign();
            var mask = grads[i].abs() > 1e-6;
            Assert.That((step - expected).abs().masked_select(mask).max().item<float>(), Is.LessThan(1e-6f),
                $"parameter {i}: Adam's first step is not lr·sign(grad)");
        }

        for (int i = 0; i < 200; i++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(net.forward(x), y);
            loss.backward();
            optimizer.step();
        }
        float final = nn.functional.mse_loss(net.forward(x), y).item<float>();
        Assert.That(final, Is.LessThan(0.25f * loss0.item<float>()), "training on a fixed batch did not reduce the loss");
    }

    [Test]
    public void CpuDeviceResolvesAndCudaIsNeverAssumed()
    {
        Assert.That(RL.Core.Devices.TorchDevices.Resolve("cpu").type, Is.EqualTo(DeviceType.CPU));
        var auto = RL.Core.Devices.TorchDevices.Resolve("auto");
        Assert.That(auto.type, Is.EqualTo(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU));
        if (!cuda.is_available())
        {
            var e = Assert.Throws<RL.Core.Devices.DeviceUnavailableException>(() => RL.Core.Devices.TorchDevices.Resolve("cuda"));
            Assert.That(e!.Message, Does.StartWith("device cuda: ").And.Contain("use device: cpu / auto"));
        }
        Assert.Throws<ArgumentException>(() => RL.Core.Devices.TorchDevices.Resolve("tpu"));
    }
}
