using RL.Algorithms.Ddpg;
using RL.Core.Buffers;
using RL.Core.Config;
using RL.Core.Exploration;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Envs;
using RL.Envs.Classic;
using RL.Envs.Random;
using RL.Envs.Spaces;
using RL.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Tests;

/// <summary>TD3's three switches on DDPG (Fujimoto et al. 2018), piece by piece: the minimum target, the smoothing noise, the delay.</summary>
public class Td3Tests
{
    private static Ddpg.Ddpg Make(Td3Config td3, bool twinPendulum = false, double flipProb = 0, LinearSchedule? criticLr = null)
    {
        var spec = twinPendulum ? new TwinPendulum().Spec : new Pendulum().Spec;
        var config = new DdpgConfig
        {
            Actor = new ActorNetworkConfig { Hidden = new[] { 8 }, Activation = Activation.Tanh, LayerNorm = true },
            Critic = new CriticNetworkConfig { Hidden = new[] { 8 }, Activation = Activation.Tanh, LayerNorm = twinPendulum },
            BatchSize = 8, Warmup = 8, FlipProb = flipProb, GradClip = 10, HuberDelta = 10, Gamma = 0.9,
            Td3 = td3,
            CriticLr = criticLr ?? LinearSchedule.Constant(1e-3),
        };
        var pipeline = new ObservationPipeline(new ObservationTransform(spec, null, Array.Empty<string>(), Array.Empty<string>()), false, 5, 1e-8);
        var mirror = twinPendulum ? (spec.ObservationMirror!, spec.ActionMirror!) : ((MirrorMap, MirrorMap)?)null;
        return new Ddpg.Ddpg(config, spec.ObservationSize, spec.ActionSpace, mirror, pipeline, CPU, (s, i) => SeedSequence.Derive(11, s, i));
    }

    private static ReplayBuffer Replay(int observationSize, int actionSize)
    {
        var replay = new ReplayBuffer(1000, observationSize, actionSize);
        var rng = new Xoshiro256(3);
        for (int i = 0; i < 200; i++)
            replay.Add(Enumerable.Range(0, observationSize).Select(_ => (float)rng.NextGaussian()).ToArray(),
                Enumerable.Range(0, actionSize).Select(_ => (float)rng.Uniform(-2, 2)).ToArray(),
                (float)rng.NextGaussian(), rng.NextDouble() < 0.1, Enumerable.Range(0, observationSize).Select(_ => (float)rng.NextGaussian()).ToArray());
        return replay;
    }

    /// <summary>Makes Q constant: every weight 0, the output bias <paramref name="value"/> (LayerNorm-free critic).</summary>
    private static void SetConstant(Critic critic, double value)
    {
        using var _ = torch.no_grad();
        using var v = value.ToScalar();
        var parameters = critic.parameters().ToList();
        foreach (var p in parameters) p.zero_();
        Assert.That(parameters[^1].shape, Is.EqualTo(new long[] { 1 }), "the last parameter is the output bias");
        parameters[^1].fill_(v);
    }

    [Test]
    public void TwinCriticTargetIsTheMinimumOfTheTwoTargetCritics()
    {
        using var ddpg = Make(new Td3Config { TwinCritics = true });
        using var scope = torch.NewDisposeScope();
        var r = torch.tensor(new[] { 1f, 2f, -1f }, new long[] { 3, 1 });
        var notTerminal = torch.tensor(new[] { 1f, 0f, 1f }, new long[] { 3, 1 });
        var next = torch.randn(3, 3);

        // By hand: Q1' = 3, Q2' = 5, so y = r + 0.9·(1 − d)·3; then Q2' = −1 is the smaller one.
        SetConstant(ddpg.CriticTarget, 3);
        SetConstant(ddpg.CriticTarget2!, 5);
        Assert.That(ddpg.CriticTargetValue(r, notTerminal, next).data<float>().ToArray(), Is.EqualTo(new[] { 1 + 0.9f * 3, 2f, -1 + 0.9f * 3 }).Within(1e-6));
        SetConstant(ddpg.CriticTarget2!, -1);
        Assert.That(ddpg.CriticTargetValue(r, notTerminal, next).data<float>().ToArray(), Is.EqualTo(new[] { 1 - 0.9f, 2f, -1 - 0.9f }).Within(1e-6));
        // The online critics play no part in the target.
        SetConstant(ddpg.Critic, -100);
        SetConstant(ddpg.Critic2!, -100);
        Assert.That(ddpg.CriticTargetValue(r, notTerminal, next).data<float>().ToArray(), Is.EqualTo(new[] { 1 - 0.9f, 2f, -1 - 0.9f }).Within(1e-6));
    }

    [Test]
    public void TwinCriticTargetIsTheElementwiseMinimumWithRealNetworks()
    {
        using var ddpg = Make(new Td3Config { TwinCritics = true });
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var r = torch.randn(64, 1);
        var notTerminal = torch.ones(64, 1);
        var next = torch.randn(64, 3);
        float[] q1, q2, y;
        using (torch.no_grad())
        {
            var action = ddpg.ActorTarget.forward(next);
            q1 = ddpg.CriticTarget.forward(next, action).data<float>().ToArray();
            q2 = ddpg.CriticTarget2!.forward(next, action).data<float>().ToArray();
        }
        y = ddpg.CriticTargetValue(r, notTerminal, next).data<float>().ToArray();
        float[] rewards = r.data<float>().ToArray();
        var expected = rewards.Select((x, i) => x + 0.9f * Math.Min(q1[i], q2[i])).ToArray();
        Assert.That(y, Is.EqualTo(expected).Within(1e-5));
        Assert.That(q1.Zip(q2).Any(p => p.First != p.Second), "Q2 starts from its own initialisation, not Q1's");
    }

    [Test]
    public void SmoothingNoiseIsClippedToPlusMinusCHalfRanges()
    {
        // Half ranges 0.5 (L2R's [0, 1] excitations) and 2 (Pendulum's [−2, 2] torque).
        var box = new Box(new[] { 0f, -2f }, new[] { 1f, 2f });
        using var smoothing = new TargetPolicySmoothing(sigma: 1, clip: 0.5, box, seed: 4, CPU);
        var noise = smoothing.DrawNoise(5000);
        var first = noise.Where((_, i) => i % 2 == 0).ToArray();
        var second = noise.Where((_, i) => i % 2 == 1).ToArray();
        Assert.That(first.Max(Math.Abs), Is.EqualTo(0.25f), "c·(high − low)/2 = 0.5·0.5, reached by draws beyond ±c");
        Assert.That(second.Max(Math.Abs), Is.EqualTo(1f), "0.5·2");
        // With σ = 1 and c = 0.5, P(|g| > 0.5) ≈ 0.617 of the draws sit on the clip.
        Assert.That(second.Count(x => Math.Abs(x) == 1f) / (double)second.Length, Is.EqualTo(0.617).Within(0.03));

        using var wide = new TargetPolicySmoothing(sigma: 0.2, clip: 10, box, seed: 4, CPU);
        var unclipped = wide.DrawNoise(20000).Where((_, i) => i % 2 == 1).ToArray();
        double std = Math.Sqrt(unclipped.Average(x => (double)x * x));
        Assert.That(std, Is.EqualTo(0.2 * 2).Within(0.02), "σ̃ in half action ranges");
    }

    [Test]
    public void SmoothedActionsStayInsideTheActionBounds()
    {
        var box = new Box(new[] { 0f, -2f }, new[] { 1f, 2f });
        using var smoothing = new TargetPolicySmoothing(sigma: 0.5, clip: 0.5, box, seed: 9, CPU);
        using var scope = torch.NewDisposeScope();
        // Actions on the bounds and inside: noise pushes half the bound ones out, the clip brings them back.
        var actions = torch.tensor(Enumerable.Range(0, 1000).SelectMany(i => (i % 3) switch
        {
            0 => new[] { 0f, -2f },
            1 => new[] { 1f, 2f },
            _ => new[] { 0.5f, 0f },
        }).ToArray(), new long[] { 1000, 2 });
        var smoothed = smoothing.Apply(actions);
        var values = smoothed.data<float>().ToArray();
        var first = values.Where((_, i) => i % 2 == 0).ToArray();
        var second = values.Where((_, i) => i % 2 == 1).ToArray();
        Assert.That(first, Has.All.InRange(0f, 1f));
        Assert.That(second, Has.All.InRange(-2f, 2f));
        Assert.That(first.Count(x => x == 0f || x == 1f), Is.GreaterThan(300), "actions pushed past a bound are clipped onto it");
        Assert.That(values.Zip(actions.data<float>().ToArray()).Count(p => p.First != p.Second), Is.GreaterThan(900), "noise was added");

        using var again = new TargetPolicySmoothing(sigma: 0.5, clip: 0.5, box, seed: 9, CPU);
        Assert.That(again.Apply(actions).data<float>().ToArray(), Is.EqualTo(values), "same seed, same noise");
    }

    [Test]
    public void ActorAndTargetsChangeOnlyEveryDthUpdate()
    {
        // All three switches on, with mirrored batches (TwinPendulum has mirror maps), d = 3.
        using var ddpg = Make(new Td3Config { TwinCritics = true, TargetPolicyNoise = 0.2, PolicyDelay = 3 }, twinPendulum: true, flipProb: 0.5);
        var replay = Replay(ddpg.ObservationSize, ddpg.ActionSpace.Size);
        var slow = new (string, nn.Module)[] { ("actor", ddpg.Actor), ("actor_target", ddpg.ActorTarget), ("critic_target", ddpg.CriticTarget), ("critic2_target", ddpg.CriticTarget2!) };
        var fast = new (string, nn.Module)[] { ("critic", ddpg.Critic), ("critic2", ddpg.Critic2!) };
        for (int update = 1; update <= 7; update++)
        {
            var before = slow.Concat(fast).ToDictionary(m => m.Item1, m => m.Item2.parameters().Select(p => p.detach().clone()).ToList());
            Assert.That(ddpg.Update(replay, envSteps: 1000), Is.True);
            Assert.That(ddpg.Updates, Is.EqualTo(update));
            bool actorStep = update % 3 == 0;
            foreach (var (name, module) in slow)
            {
                bool same = module.parameters().Zip(before[name]).All(p => Parameters.BitwiseEqual(p.First, p.Second));
                Assert.That(same, Is.EqualTo(!actorStep), $"{name} after update {update}: changes at updates 3 and 6 only");
            }
            foreach (var (name, module) in fast)
                Assert.That(module.parameters().Zip(before[name]).All(p => Parameters.BitwiseEqual(p.First, p.Second)), Is.False, $"{name} learns at every update ({update})");
            foreach (var list in before.Values)
                foreach (var t in list) t.Dispose();
        }
        var stats = ddpg.TakeStats(1000, replay.Count);
        Assert.That(stats.Keys, Is.SupersetOf(new[] { "losses/critic_loss", "losses/critic2_loss", "losses/critic2_grad_norm", "losses/actor_loss", "losses/q2_mean" }));
        Assert.That(stats.Values, Has.All.Matches<double>(double.IsFinite));
    }

    [Test]
    public void TheSecondCriticFollowsTheCriticLearningRateSchedule()
    {
        using var ddpg = Make(new Td3Config { TwinCritics = true, PolicyDelay = 2 }, criticLr: new LinearSchedule { Start = 1e-3, End = 1e-4, Steps = 1000 });
        var replay = Replay(ddpg.ObservationSize, ddpg.ActionSpace.Size);
        Assert.That(ddpg.Update(replay, envSteps: 500), Is.True);
        Assert.That(ddpg.CriticLearningRates.Critic, Is.EqualTo(5.5e-4).Within(1e-12));
        Assert.That(ddpg.CriticLearningRates.Critic2, Is.EqualTo(ddpg.CriticLearningRates.Critic));
        Assert.That(ddpg.Update(replay, envSteps: 2000), Is.True);
        Assert.That(ddpg.CriticLearningRates.Critic2, Is.EqualTo(1e-4).Within(1e-12));
    }

    [Test]
    public void WithTheSwitchesOffThereIsNoSecondCriticAndNoTd3Column()
    {
        using var ddpg = Make(new Td3Config());
        var replay = Replay(ddpg.ObservationSize, ddpg.ActionSpace.Size);
        Assert.That(ddpg.Critic2, Is.Null);
        var actorBefore = ddpg.Actor.parameters().Select(p => p.detach().clone()).ToList();
        Assert.That(ddpg.Update(replay, 1000), Is.True);
        Assert.That(ddpg.Actor.parameters().Zip(actorBefore).Any(p => !Parameters.BitwiseEqual(p.First, p.Second)), "policy_delay 1: the actor learns at the first update");
        var stats = ddpg.TakeStats(1000, replay.Count);
        Assert.That(stats.Keys.Where(k => k.Contains("critic2") || k.Contains("q2")), Is.Empty);
        Assert.That(stats.Keys, Does.Contain("losses/actor_loss"));
        foreach (var t in actorBefore) t.Dispose();
    }

    [TestCase("ddpg.td3.policy_delay=0", "ddpg.td3.policy_delay")]
    [TestCase("ddpg.td3.target_policy_noise=-0.1", "ddpg.td3.target_policy_noise")]
    [TestCase("ddpg.td3.target_noise_clip=0", "ddpg.td3.target_noise_clip")]
    public void BadTd3ValuesAreConfigErrorsNamingTheKey(string set, string key)
    {
        var e = Assert.Throws<ConfigException>(() => TestRuns.Load("name: x\n", set))!;
        Assert.That(e.Errors.Select(x => x.Key), Is.EqualTo(new[] { key }));
    }
}
