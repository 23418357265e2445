using RL.Core.Networks;
using RL.Core.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Tests;

/// <summary>
/// Issue 10 (1): TorchSharp 0.107.0 lets the finalizer free an implicitly converted Scalar or an unowned temporary
/// tensor while a native call still reads it (dotnet/TorchSharp#1434, #1496). In a normal run that needs a garbage
/// collection to land inside one native call, which made a 2-core DDPG run die after 12 minutes and 3 of 9 shorter
/// runs die at random. Here another thread collects and runs finalizers back to back, so every unowned Scalar or
/// tensor is freed as soon as it can be: DDPG updates, evaluations, bisection and adaptive parameter noise, NoisyNet,
/// every activation and our Adam all run under that pressure and must finish with finite parameters.
/// </summary>
[NonParallelizable]
public class ForcedGcStressTests
{
    /// <summary>Collects and finalizes in a loop until disposed; counts the collections it forced.</summary>
    private sealed class CollectorThread : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public CollectorThread()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Collections++;
                }
            }) { IsBackground = true, Name = "forced-gc" };
            _thread.Start();
        }

        public long Collections { get; private set; }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }

    private static IEnumerable<TestCaseData> Recipes()
    {
        yield return new TestCaseData((object)new[] { "ddpg.actor.activation=elu" }).SetName("ELU actor, bisection parameter noise, reflection (Reason8)");
        yield return new TestCaseData((object)new[]
        {
            "ddpg.actor.activation=leaky_relu", "ddpg.critic.activation=selu", "ddpg.actor.output=tanh01", "ddpg.exploration.param_noise=adaptive",
            "ddpg.exploration.adaptive.interval=5",
        }).SetName("LeakyReLU actor, SELU critic, tanh01 output, adaptive parameter noise");
        yield return new TestCaseData((object)new[]
        {
            "ddpg.actor.noisy=factorised", "ddpg.exploration.param_noise=none", "ddpg.exploration.param_noise_prob=0", "ddpg.critic.activation=relu",
        }).SetName("NoisyNet actor, ReLU critic");
    }

    [TestCaseSource(nameof(Recipes))]
    public void TrainingAndEvaluationSurviveAFinalizerThatRunsAllTheTime(string[] overrides)
    {
        string runs = TestRuns.TempRunsDir();
        try
        {
            var config = TestRuns.Load(TestRuns.TinyYaml(runs, "gc"), overrides.Concat(new[]
            {
                "train.max_updates=600", "evaluation.every_env_steps=200", "checkpoint.every_updates=100",
            }).ToArray());
            Training.TrainOutcome outcome;
            using (var collector = new CollectorThread())
            {
                outcome = TestRuns.Train(config).Outcome;
                Assert.That(collector.Collections, Is.GreaterThan(10), "the collector ran during training");
            }
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Reason);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }

    [Test]
    public void OurAdamAndClippingSurviveAFinalizerThatRunsAllTheTime()
    {
        torch.manual_seed(3);
        var mlp = new Mlp(8, 2, new MlpConfig { Hidden = new[] { 32, 32 }, Activation = Activation.Elu, LayerNorm = true });
        var parameters = mlp.parameters().ToList();
        using var adam = new AdamOptimizer(parameters, 1e-3);
        using var collector = new CollectorThread();
        for (int i = 0; i < 10_000; i++)
        {
            using var scope = torch.NewDisposeScope();
            adam.ZeroGrad();
            var x = torch.randn(64, 8);
            var y = mlp.forward(x);
            y.mul(y).mean().backward();
            GradientClipping.ClipGlobalNorm(parameters, 1.0);
            adam.Step();
        }
        Assert.That(Parameters.AllFinite(parameters), Is.True);
        // TorchSharp 0.107.0's LayerNorm disposes its weight and bias in Dispose(bool) even when the finalizer calls it
        // (NN/Normalization/LayerNorm.cs; Linear checks `disposing`). Without this, mlp is unreachable after the loop's
        // last forward, the collector thread finalizes it, and the check above reads a disposed Parameter ("Tensor
        // invalid -- empty handle", seen once at load ~40). Trainers keep their networks in fields; only code that keeps
        // a list of a module's parameters longer than the module itself is exposed.
        GC.KeepAlive(mlp);
    }

    [Test]
    public void ParametersOutliveTheirUnreachableNetwork()
    {
        // With nn.LayerNorm the finalizer of the dropped network disposed its LayerNorm weight and bias, and this check
        // threw "Tensor invalid -- empty handle" (FinalizerSafeLayerNorm).
        var parameters = ParametersOfADroppedNetwork();
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.That(Parameters.AllFinite(parameters), Is.True);
        Assert.That(parameters.Count, Is.EqualTo(2 * 2 + 2 * 2 + 2), "2 Linear and 2 LayerNorm layers of weight and bias, and the output");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<Tensor> ParametersOfADroppedNetwork()
    {
        var mlp = new Mlp(8, 2, new MlpConfig { Hidden = new[] { 16, 16 }, LayerNorm = true });
        return mlp.parameters().Select(p => (Tensor)p).ToList();
    }
}
