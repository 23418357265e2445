using RL.Core.Exploration;
using RL.Core.Networks;
using RL.Envs.Random;
using RL.Envs.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RL.Core.Tests;

/// <summary>The three parameter-noise forms of recipes §5.5: each moves σ the right way and never touches LayerNorm.</summary>
public class ParameterNoiseTests
{
    private static readonly ActorNetworkConfig Config = new() { Hidden = new[] { 32, 32 }, Activation = Activation.Elu, LayerNorm = true };

    private static (DeterministicActor Clean, DeterministicActor Perturbed) Actors()
    {
        manual_seed(1);
        var clean = new DeterministicActor(6, Box.Uniform(3, 0, 1), Config);
        var perturbed = new DeterministicActor(6, Box.Uniform(3, 0, 1), Config);
        // Give the LayerNorm gains and biases non-default values so "unchanged" is not trivially 1 and 0.
        using (no_grad())
            foreach (var (name, p) in clean.named_parameters().Where(np => np.name.Contains(".ln")))
                p.copy_(randn_like(p));
        return (clean, perturbed);
    }

    private static List<(string Name, Tensor Value)> LayerNormParameters(nn.Module m) =>
        m.named_parameters().Where(np => np.name.Contains(".ln")).Select(np => (np.name, (Tensor)np.parameter)).ToList();

    [Test]
    public void PerturbationChangesEveryLinearWeightAndNoLayerNormParameter()
    {
        var (clean, perturbed) = Actors();
        using var perturber = new ParameterPerturber(clean, perturbed);
        perturber.Perturb(0.5, new Xoshiro256(3));
        var lnClean = LayerNormParameters(clean);
        var lnPerturbed = LayerNormParameters(perturbed);
        Assert.That(lnClean, Has.Count.EqualTo(4), "two LayerNorms, gain and bias each");
        foreach (var ((name, a), (_, b)) in lnClean.Zip(lnPerturbed))
            Assert.That(Parameters.BitwiseEqual(a, b), Is.True, $"{name} is copied, never perturbed");
        foreach (var ((name, a), (_, b)) in clean.named_parameters().Zip(perturbed.named_parameters()).Where(x => !x.First.name.Contains(".ln")).Select(x => ((x.First.name, (Tensor)x.First.parameter), (x.Second.name, (Tensor)x.Second.parameter))))
        {
            double rms = a.sub(b).square().mean().sqrt().item<float>();
            Assert.That(rms, Is.EqualTo(0.5).Within(0.2), $"{name} moved by about σ");
        }
    }

    [Test]
    public void AdaptiveSigmaShrinksWhenTheDistanceIsAboveTheTargetAndGrowsBelow()
    {
        var noise = new AdaptiveParameterNoise(0.1, 1.01);
        noise.Adapt(distance: 0.5, target: 0.2);
        Assert.That(noise.Sigma, Is.EqualTo(0.1 / 1.01).Within(1e-15));
        noise.Adapt(distance: 0.05, target: 0.2);
        noise.Adapt(distance: 0.05, target: 0.2);
        Assert.That(noise.Sigma, Is.EqualTo(0.1 * 1.01).Within(1e-15));

        // Closed loop on a real actor: σ converges to where the measured distance matches the target.
        var (clean, perturbed) = Actors();
        using var perturber = new ParameterPerturber(clean, perturbed);
        var rng = new Xoshiro256(5);
        var states = randn(256, 6);
        var adaptive = new AdaptiveParameterNoise(1e-3, 1.05);
        using (no_grad())
            for (int i = 0; i < 400; i++)
            {
                perturber.Perturb(adaptive.Sigma, rng);
                adaptive.Adapt(ParameterPerturber.ActionDistance(clean.forward(states), perturbed.forward(states)), 0.1);
            }
        Assert.That(adaptive.Sigma, Is.GreaterThan(1e-2), "σ grew from a distance far below the target");
        Assert.That(adaptive.LastDistance, Is.EqualTo(0.1).Within(0.05));
        foreach (var ((name, a), (_, b)) in LayerNormParameters(clean).Zip(LayerNormParameters(perturbed)))
            Assert.That(Parameters.BitwiseEqual(a, b), Is.True, name);
    }

    [Test]
    public void BisectionFindsTheSigmaOfTheTargetDistanceAndALargerTargetNeedsALargerSigma()
    {
        var (clean, perturbed) = Actors();
        using var perturber = new ParameterPerturber(clean, perturbed);
        var rng = new Xoshiro256(7);
        var states = randn(200, 6);
        SigmaSearchResult Search(double target)
        {
            using var _ = no_grad();
            var cleanActions = clean.forward(states);
            return BisectionParameterNoise.Search(sigma =>
            {
                perturber.Perturb(sigma, rng);
                return ParameterPerturber.ActionDistance(cleanActions, perturbed.forward(states));
            }, target, sigmaMax: 100, tolerance: 5e-3, maxTrials: 1000);
        }
        var small = Search(0.05);
        var large = Search(0.2);
        Assert.That(small.Distance, Is.EqualTo(0.05).Within(5e-3));
        Assert.That(large.Distance, Is.EqualTo(0.2).Within(5e-3));
        Assert.That(large.Sigma, Is.GreaterThan(small.Sigma));
        foreach (var ((name, a), (_, b)) in LayerNormParameters(clean).Zip(LayerNormParameters(perturbed)))
            Assert.That(Parameters.BitwiseEqual(a, b), Is.True, name);

        // On a known monotone distance curve d(σ) = 2σ the search lands on σ = δ/2.
        var exact = BisectionParameterNoise.Search(sigma => 2 * sigma, 0.3, sigmaMax: 100, tolerance: 1e-6);
        Assert.That(exact.Sigma, Is.EqualTo(0.15).Within(1e-6));
    }

    [Test]
    public void NoisyNetDrawsNoiseEveryForwardLearnsToShrinkItsSigmaAndHasNoNoisyLayerNorm()
    {
        manual_seed(2);
        var generator = new Generator(9, device: CPU);
        var config = Config with { Noisy = NoisyLayers.Factorised, NoisySigma0 = 0.5 };
        var actor = new DeterministicActor(6, Box.Uniform(3, 0, 1), config, generator);
        var x = randn(64, 6);
        using (no_grad())
        {
            var a1 = actor.forward(x);
            var a2 = actor.forward(x);
            Assert.That(Parameters.BitwiseEqual(a1, a2), Is.False, "ε is re-drawn at every forward pass in training mode");
            actor.eval();
            Assert.That(Parameters.BitwiseEqual(actor.forward(x), actor.forward(x)), Is.True, "eval mode is the deterministic μ network");
            actor.train();
        }
        Assert.That(actor.named_parameters().Where(np => np.name.Contains(".ln")).Select(np => np.name), Has.None.Contains("sigma"),
            "LayerNorm keeps its plain gain and bias: no noise parameters");
        var layerNormBefore = LayerNormParameters(actor).Select(p => p.Value.clone()).ToList();

        // Noise only hurts a regression onto the noiseless output, so gradient descent must shrink the learned σ.
        Tensor target;
        actor.eval();
        using (no_grad()) target = actor.forward(x).clone();
        actor.train();
        var sigmas = actor.named_parameters().Where(np => np.name.EndsWith("sigma", StringComparison.Ordinal)).Select(np => (Tensor)np.parameter).ToList();
        double before = sigmas.Sum(s => s.abs().mean().item<float>());
        var optimizer = optim.Adam(sigmas.Select(s => (Parameter)s), 0.01);
        for (int i = 0; i < 200; i++)
        {
            optimizer.zero_grad();
            nn.functional.mse_loss(actor.forward(x), target).backward();
            optimizer.step();
        }
        double after = sigmas.Sum(s => s.abs().mean().item<float>());
        Assert.That(after, Is.LessThan(0.5 * before), $"mean |σ| {before:F4} → {after:F4}");
        foreach (var (b, (name, a)) in layerNormBefore.Zip(LayerNormParameters(actor)))
            Assert.That(Parameters.BitwiseEqual(a, b), Is.True, $"{name} untouched by the noise");
    }
}
