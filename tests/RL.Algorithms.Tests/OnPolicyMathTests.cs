using RL.Algorithms.OnPolicy;
using RL.Algorithms.Ppo;
using RL.Algorithms.Trpo;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Core.Optimization;
using RL.Envs.Random;
using RL.Envs.Spaces;
using RL.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Tests;

/// <summary>Issue 12's fast checks of the on-policy pieces against closed forms.</summary>
public class OnPolicyMathTests
{
    // --- GAE ---

    /// <summary>Constant critic V = c, reward R only at the last step: Aₜ = Σₖ (γλ)ᵏ δₜ₊ₖ with δ = γc − c inside and R + γ·next − c at the end.</summary>
    private static double ClosedForm(int t, int steps, double c, double reward, double lastNext, double gamma, double lambda)
    {
        double gl = gamma * lambda, a = 0;
        for (int k = t; k < steps; k++)
        {
            double delta = k == steps - 1 ? reward + gamma * lastNext - c : gamma * c - c;
            a += Math.Pow(gl, k - t) * delta;
        }
        return a;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void GaeMatchesTheClosedFormWithAConstantCriticAndARewardOnlyAtTheEnd(bool truncated)
    {
        const int steps = 7;
        const double c = 0.5, reward = 3, gamma = 0.9, lambda = 0.8, finalValue = 2.25;
        var rewards = new float[steps];
        var values = Enumerable.Repeat((float)c, steps).ToArray();
        var next = Enumerable.Repeat((float)c, steps).ToArray();
        var ends = new bool[steps];
        rewards[steps - 1] = (float)reward;
        ends[steps - 1] = true;
        // Terminated: nothing follows (0); truncated by a time limit: V(final observation) is bootstrapped.
        next[steps - 1] = truncated ? (float)finalValue : 0f;
        var adv = new float[steps];
        var ret = new float[steps];
        Gae.Compute(rewards, values, next, ends, 1, gamma, lambda, adv, ret);
        for (int t = 0; t < steps; t++)
        {
            double expected = ClosedForm(t, steps, c, reward, truncated ? finalValue : 0, gamma, lambda);
            Assert.That(adv[t], Is.EqualTo(expected).Within(1e-5), $"A at step {t}");
            Assert.That(ret[t], Is.EqualTo(expected + c).Within(1e-5), $"return target at step {t}");
        }
    }

    [Test]
    public void GaeDoesNotCarryAdvantagesAcrossAnEpisodeEndAndKeepsEnvsApart()
    {
        // Two envs interleaved time-major; env 0's episode ends at step 1, so step 0 must not see step 2's reward.
        float[] rewards = { 0, 0, 1, 5, 0, 0 };
        float[] values = new float[6];
        float[] next = new float[6];
        bool[] ends = { false, false, true, false, false, false };
        var adv = new float[6];
        var ret = new float[6];
        Gae.Compute(rewards, values, next, ends, 2, 0.9, 1.0, adv, ret);
        Assert.That(adv[0], Is.EqualTo(0.9f * 1f).Within(1e-6), "env 0 step 0 sees its own step 1 reward");
        Assert.That(adv[2], Is.EqualTo(1f).Within(1e-6), "env 0 step 1 ended its episode");
        Assert.That(adv[4], Is.EqualTo(0f).Within(1e-6), "env 0's next episode starts from zero");
        Assert.That(adv[1], Is.EqualTo(0.9f * 5f).Within(1e-6), "env 1 is its own sequence");
    }

    // --- conjugate gradient ---

    [Test]
    public void ConjugateGradientSolvesARandomSymmetricPositiveDefiniteSystem()
    {
        torch.manual_seed(3);
        using var scope = torch.NewDisposeScope();
        var m = torch.randn(20, 20, dtype: ScalarType.Float64);
        var eye = torch.eye(20, dtype: ScalarType.Float64);
        var a = m.matmul(m.t()).add(eye, RL.Core.Tensors.OwnedScalars.One);
        var b = torch.randn(20, dtype: ScalarType.Float64);
        var x = ConjugateGradient.Solve(v => a.matmul(v), b, iterations: 60, residualTolerance: 1e-20);
        var residual = a.matmul(x).sub(b).norm().item<double>();
        Assert.That(residual, Is.LessThan(1e-8 * b.norm().item<double>()));
    }

    // --- distributions against closed forms ---

    private static readonly Box Unit3 = new(new[] { 0f, 0f, 0f }, new[] { 1f, 1f, 1f });

    [Test]
    public void GaussianLogProbabilityKlAndEntropyMatchTheirClosedForms()
    {
        var d = ActionDistribution.For(PolicyDistribution.Gaussian, Unit3);
        double[] mu = { 0.1, -0.4, 0.7 }, logStd = { -0.5, 0.2, 0.0 }, a = { 0.3, 0.1, 0.5 };
        double[] mu2 = { 0.0, -0.1, 0.9 }, logStd2 = { -0.3, 0.1, -0.2 };
        using var scope = torch.NewDisposeScope();
        Tensor Row(double[] v) => torch.tensor(v.Select(x => (float)x).ToArray()).unsqueeze(0);
        Tensor Vec(double[] v) => torch.tensor(v.Select(x => (float)x).ToArray());
        double logp = 0, entropy = 0, kl = 0;
        for (int k = 0; k < 3; k++)
        {
            double s = Math.Exp(logStd[k]), s2 = Math.Exp(logStd2[k]);
            logp += -0.5 * Math.Pow((a[k] - mu[k]) / s, 2) - logStd[k] - 0.5 * Math.Log(2 * Math.PI);
            entropy += logStd[k] + 0.5 * (1 + Math.Log(2 * Math.PI));
            kl += Math.Log(s2 / s) + (s * s + Math.Pow(mu[k] - mu2[k], 2)) / (2 * s2 * s2) - 0.5;
        }
        Assert.That(d.LogProb(Row(mu), Vec(logStd), Row(a)).item<float>(), Is.EqualTo(logp).Within(1e-5));
        Assert.That(d.Entropy(Row(mu), Vec(logStd)).item<float>(), Is.EqualTo(entropy).Within(1e-5));
        Assert.That(d.Kl(Row(mu), Vec(logStd), Row(mu2), Vec(logStd2)).item<float>(), Is.EqualTo(kl).Within(1e-5));
        Assert.That(d.Kl(Row(mu), Vec(logStd), Row(mu), Vec(logStd)).item<float>(), Is.EqualTo(0).Within(1e-6), "KL of a distribution with itself");
    }

    [Test]
    public void BernoulliLogProbabilityKlAndEntropyMatchTheirClosedForms()
    {
        var d = ActionDistribution.For(PolicyDistribution.Bernoulli, Unit3);
        double[] logits = { 0.3, -2.0, 4.0 }, logits2 = { -0.5, -1.0, 3.0 }, a = { 1, 0, 1 };
        using var scope = torch.NewDisposeScope();
        Tensor Row(double[] v) => torch.tensor(v.Select(x => (float)x).ToArray()).unsqueeze(0);
        static double P(double l) => 1 / (1 + Math.Exp(-l));
        double logp = 0, entropy = 0, kl = 0;
        for (int k = 0; k < 3; k++)
        {
            double p = P(logits[k]), q = P(logits2[k]);
            logp += a[k] == 1 ? Math.Log(p) : Math.Log(1 - p);
            entropy += -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));
            kl += p * Math.Log(p / q) + (1 - p) * Math.Log((1 - p) / (1 - q));
        }
        Assert.That(d.LogProb(Row(logits), null, Row(a)).item<float>(), Is.EqualTo(logp).Within(1e-5));
        Assert.That(d.Entropy(Row(logits), null).item<float>(), Is.EqualTo(entropy).Within(1e-5));
        Assert.That(d.Kl(Row(logits), null, Row(logits2), null).item<float>(), Is.EqualTo(kl).Within(1e-5));
        var env = new float[3];
        var mode = new float[3];
        d.Mode(new[] { 0.3f, -2f, 4f }, mode);
        d.ToEnv(mode, env);
        Assert.That(env, Is.EqualTo(new[] { 1f, 0f, 1f }), "evaluation takes the mode, mapped onto the box");
    }

    [Test]
    public void GaussianSamplesAreClippedIntoTheBoxOnlyOnTheWayToTheEnv()
    {
        var d = ActionDistribution.For(PolicyDistribution.Gaussian, Unit3);
        var env = new float[3];
        int clipped = d.ToEnv(new[] { -0.5f, 0.5f, 1.5f }, env);
        Assert.That(env, Is.EqualTo(new[] { 0f, 0.5f, 1f }));
        Assert.That(clipped, Is.EqualTo(2));
    }

    // --- batches, PPO and TRPO on a synthetic rollout ---

    private static OnPolicyModel Model(OnPolicyConfig config, out TwinPendulum env)
    {
        env = new TwinPendulum();
        var transform = new ObservationTransform(env.Spec, null, Array.Empty<string>(), Array.Empty<string>());
        var pipeline = new ObservationPipeline(transform, normalize: false, clip: 5, epsilon: 1e-8);
        return new OnPolicyModel(config, pipeline, env.Spec.ActionSpace, torch.CPU, torchSeed: 11);
    }

    /// <summary>A rollout of random observations and actions drawn from the model's policy, with random advantages.</summary>
    private static Rollout SyntheticRollout(OnPolicyModel model, int steps, int envs, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var r = new Rollout(steps, envs, model.ObservationSize, model.ActionSize);
        var logStd = model.LogStdRow();
        var head = new float[model.ActionSize];
        using (var scope = torch.NewDisposeScope())
        {
            for (int k = 0; k < r.Count; k++)
            {
                for (int j = 0; j < model.ObservationSize; j++) r.Observations[k * model.ObservationSize + j] = (float)rng.NextGaussian();
                var obs = torch.tensor(r.Observations.AsSpan(k * model.ObservationSize, model.ObservationSize).ToArray()).unsqueeze(0);
                var h = torch.zeros(1, model.ActionSize);
                model.Forward(obs, h, null);
                h.data<float>().CopyTo(head);
                model.Distribution.Sample(head, logStd, rng, r.Actions.AsSpan(k * model.ActionSize, model.ActionSize));
                r.Rewards[k] = (float)rng.NextGaussian();
                r.Valid[k] = true;
            }
        }
        r.Finish(0.99, 0.95);
        return r;
    }

    [TestCase(PolicyDistribution.Gaussian)]
    [TestCase(PolicyDistribution.Bernoulli)]
    public void AMirroredBatchIsTwiceTheSizeWithLogProbabilitiesOfTheMirroredActionsAndCopiedAdvantages(PolicyDistribution distribution)
    {
        using var model = Model(new PpoConfig { Distribution = distribution, Policy = new MlpConfig { Hidden = new[] { 16 }, Activation = Activation.Tanh, LayerNorm = false } }, out var env);
        var rollout = SyntheticRollout(model, 8, 3, 5);
        var mirror = (env.Spec.ObservationMirror!, env.Spec.ActionMirror!);
        using var plain = OnPolicyBatch.From(rollout, model, null, normalizeAdvantage: false);
        using var doubled = OnPolicyBatch.From(rollout, model, mirror, normalizeAdvantage: false);
        int n = plain.Rows;
        Assert.That(doubled.Rows, Is.EqualTo(2 * n));
        using var scope = torch.NewDisposeScope();
        var obs = doubled.Observations.cpu().data<float>().ToArray();
        var act = doubled.Actions.cpu().data<float>().ToArray();
        int o = model.ObservationSize, a = model.ActionSize;
        var twice = new float[n * o];
        var once = new float[n * o];
        env.Spec.ObservationMirror!.ApplyRows(obs.AsSpan(n * o), once);
        Assert.That(once, Is.EqualTo(obs.AsSpan(0, n * o).ToArray()), "the second half is the mirror of the first, and mirroring twice is the identity");
        env.Spec.ObservationMirror!.ApplyRows(obs.AsSpan(0, n * o), twice);
        Assert.That(twice, Is.Not.EqualTo(obs.AsSpan(0, n * o).ToArray()), "mirroring changes the observation");
        var mirroredActions = new float[n * a];
        env.Spec.ActionMirror!.ApplyRows(act.AsSpan(0, n * a), mirroredActions);
        Assert.That(act.AsSpan(n * a).ToArray(), Is.EqualTo(mirroredActions));
        // Each mirrored row's old log-probability is that of its mirrored action under the old policy at its mirrored observation.
        var expected = model.Distribution.LogProb(model.Policy.forward(doubled.Observations.narrow(0, n, n)), model.Policy.LogStd, doubled.Actions.narrow(0, n, n)).detach();
        Assert.That(doubled.OldLogProb.narrow(0, n, n).sub(expected).abs().max().item<float>(), Is.LessThan(1e-6f));
        Assert.That(doubled.OldLogProb.narrow(0, 0, n).sub(plain.OldLogProb).abs().max().item<float>(), Is.LessThan(1e-6f));
        Assert.That(doubled.Advantages.narrow(0, n, n).data<float>().ToArray(), Is.EqualTo(doubled.Advantages.narrow(0, 0, n).data<float>().ToArray()), "advantages copied");
        Assert.That(doubled.Returns.narrow(0, n, n).data<float>().ToArray(), Is.EqualTo(doubled.Returns.narrow(0, 0, n).data<float>().ToArray()), "returns copied");
    }

    [Test]
    public void PpoClipFractionIsZeroOnTheFirstMinibatchOfTheFirstEpoch()
    {
        var config = new PpoConfig { Epochs = 3, MinibatchSize = 16, Lr = RL.Core.Exploration.LinearSchedule.Constant(3e-2) };
        using var model = Model(config, out _);
        var rollout = SyntheticRollout(model, 16, 4, 9);
        using var batch = OnPolicyBatch.From(rollout, model, null, normalizeAdvantage: true);
        using var update = new PpoUpdate(config, model, 1);
        var values = update.Update(batch, 0)!;
        Assert.That(update.FirstClipFraction, Is.EqualTo(0));
        Assert.That(values["losses/clip_fraction"], Is.GreaterThan(0), "a large learning rate moves later minibatches out of the clip range, so the 0 above is not trivially true");
    }

    /// <summary>
    /// SB3's per-minibatch advantage standardisation (issue 14): with one minibatch spanning the rollout it must give
    /// exactly the update of the rollout-level standardisation; with minibatches of 16 it must not (each minibatch is
    /// centred on its own mean).
    /// </summary>
    [Test]
    public void PerMinibatchAdvantageStandardisationEqualsTheRolloutsWhenOneMinibatchSpansIt()
    {
        float[] After(PpoConfig config)
        {
            using var model = Model(config, out _);
            var rollout = SyntheticRollout(model, 16, 4, 9);
            Assert.That(config.StandardiseRolloutAdvantages(), Is.EqualTo(!config.NormalizeAdvantagePerMinibatch));
            using var batch = OnPolicyBatch.From(rollout, model, null, config.StandardiseRolloutAdvantages());
            using var update = new PpoUpdate(config, model, 1);
            Assert.That(update.Update(batch, 0), Is.Not.Null);
            return model.Policy.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
        }
        var whole = new PpoConfig { Epochs = 1, MinibatchSize = 64 };
        var rolloutLevel = After(whole);
        var minibatchLevel = After(whole with { NormalizeAdvantagePerMinibatch = true });
        Assert.That(minibatchLevel.Zip(rolloutLevel, (a, b) => Math.Abs(a - b)).Max(), Is.LessThan(1e-6f));
        var small = new PpoConfig { Epochs = 1, MinibatchSize = 16 };
        var smallRollout = After(small);
        var smallMinibatch = After(small with { NormalizeAdvantagePerMinibatch = true });
        Assert.That(smallMinibatch.Zip(smallRollout, (a, b) => Math.Abs(a - b)).Max(), Is.GreaterThan(1e-5f));
    }

    [TestCase(PolicyDistribution.Gaussian, 0.01)]
    [TestCase(PolicyDistribution.Bernoulli, 0.01)]
    [TestCase(PolicyDistribution.Gaussian, 0.001)]
    public void ATrpoStepNeverExceedsTheKlLimit(PolicyDistribution distribution, double maxKl)
    {
        var config = new TrpoConfig { Distribution = distribution, MaxKl = maxKl, Policy = new MlpConfig { Hidden = new[] { 32 }, Activation = Activation.Tanh, LayerNorm = false } };
        using var model = Model(config, out _);
        using var update = new TrpoUpdate(config, model, 2);
        for (int i = 0; i < 4; i++)
        {
            var rollout = SyntheticRollout(model, 32, 4, (ulong)(20 + i));
            using var batch = OnPolicyBatch.From(rollout, model, null, normalizeAdvantage: true);
            var values = update.Update(batch, 0)!;
            using var scope = torch.NewDisposeScope();
            double kl = model.Distribution.Kl(batch.OldHead, batch.OldLogStd, model.Policy.forward(batch.Observations), model.Policy.LogStd).mean().item<float>();
            Assert.That(kl, Is.LessThanOrEqualTo(maxKl * (1 + 1e-4)), $"update {i}: the KL actually reached");
            Assert.That(values["trpo/kl"], Is.LessThanOrEqualTo(maxKl));
            Assert.That(values["trpo/step_fraction"], Is.GreaterThan(0), $"update {i}: the line search found a step");
            Assert.That(values["losses/surrogate"], Is.GreaterThan(0), "an accepted step improves the surrogate");
        }
    }
}
