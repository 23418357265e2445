using System.Diagnostics;
using System.Globalization;
using RL.Algorithms.Ddpg;
using RL.Core.Buffers;
using RL.Core.Exploration;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Envs;
using RL.Envs.Random;
using RL.Envs.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RL.Cli.Benchmarks;

/// <summary>The figures of one `rl bench agent` run.</summary>
public sealed record AgentBenchmarkResult(IReadOnlyList<double> Framework, IReadOnlyList<double> Bare)
{
    public double FrameworkMedian => Median(Framework);
    public double BareMedian => Median(Bare);
    public double Ratio => FrameworkMedian / BareMedian;

    private static double Median(IReadOnlyList<double> xs)
    {
        var s = xs.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}

/// <summary>
/// Updates per second of the framework's DDPG learner (replay sampling, mirror augmentation, LayerNorm networks,
/// Huber loss, gradient clipping, two Adam steps, soft target updates) against a bare TorchSharp loop doing the
/// same arithmetic on tensors it holds directly, in the same process, passes interleaved so both see the same
/// machine load. Sizes are the 2017 recipe's: 41 observations, 18 actions, actor 64-64, critic 64-32.
/// </summary>
public static class AgentBenchmark
{
    public static AgentBenchmarkResult Run(int batch, int updates, int passes, Device device, TextWriter output)
    {
        const int obs = 41, act = ActionSize, rows = 100_000;
        var config = new DdpgConfig
        {
            Actor = new ActorNetworkConfig { Hidden = new[] { 64, 64 }, Activation = Activation.Elu, LayerNorm = true, Output = ActorOutput.Sigmoid },
            Critic = new CriticNetworkConfig { Hidden = new[] { 64, 32 }, Activation = Activation.Tanh, LayerNorm = true },
            Gamma = 0.9, Tau = 1e-4, GradClip = 10, HuberDelta = 10, AdamBeta2 = 0.99,
            ActorLr = new LinearSchedule { Start = 1e-3, End = 5e-5, Steps = 10_000_000 },
            CriticLr = new LinearSchedule { Start = 2e-3, End = 5e-5, Steps = 10_000_000 },
            BatchSize = batch, FlipProb = 1, BufferSize = rows, Warmup = batch,
        };
        var rng = new Xoshiro256(7);
        var data = new (float[] S, float[] A, float R, bool T, float[] N)[rows];
        var replay = new ReplayBuffer(rows, obs, act);
        for (int i = 0; i < rows; i++)
        {
            var s = Random(rng, obs);
            var a = Random(rng, act, 0, 1);
            var n = Random(rng, obs);
            float r = (float)rng.NextGaussian();
            bool t = rng.NextDouble() < 0.01;
            replay.Add(s, a, r, t, n);
            data[i] = (s, a, r, t, n);
        }
        var obsMirror = LearningToRunShapes.ObservationMirror();
        var actMirror = LearningToRunShapes.ActionMirror();
        var spec = new EnvSpec
        {
            Id = "bench", ObservationSpace = Box.Unbounded(obs), ActionSpace = Box.Uniform(act, 0, 1),
            ObservationNames = LearningToRunShapes.ObservationNames, ActionNames = Enumerable.Range(0, act).Select(i => $"a{i}").ToArray(),
            ObservationMirror = obsMirror, ActionMirror = actMirror,
        };
        var pipeline = new ObservationPipeline(new ObservationTransform(spec, null, Array.Empty<string>(), Array.Empty<string>()), false, 5, 1e-8);
        using var ddpg = new Ddpg(config, obs, spec.ActionSpace, (obsMirror, actMirror), pipeline, device, (s, i) => SeedSequence.Derive(1, s, i));
        using var bare = new BareDdpgLoop(data, batch, obsMirror, actMirror, device);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DDPG update: actor 64-64 ELU + LayerNorm, critic 64-32 tanh + LayerNorm, batch {batch} + {batch} mirrored, obs {obs}, action {act}, Huber 10, clip 10, Adam; device {device}, torch threads {get_num_threads()}"));
        // Warm-up: JIT, allocator and caches.
        for (int i = 0; i < Math.Min(200, updates); i++)
        {
            ddpg.Update(replay, 0);
            bare.Update();
        }
        var framework = new List<double>();
        var bareRates = new List<double>();
        output.WriteLine("pass   framework updates/s   bare TorchSharp updates/s   ratio");
        for (int p = 0; p < passes; p++)
        {
            double ours = Time(() => ddpg.Update(replay, 0), updates);
            double theirs = Time(bare.Update, updates);
            framework.Add(ours);
            bareRates.Add(theirs);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p + 1,4}   {ours,19:F1}   {theirs,25:F1}   {ours / theirs,5:P1}"));
        }
        var result = new AgentBenchmarkResult(framework, bareRates);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median {result.FrameworkMedian,17:F1}   {result.BareMedian,25:F1}   {result.Ratio,5:P1}   (target: framework ≥ 90% of the bare loop)"));
        return result;
    }

    private static double Time(Action update, int updates)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < updates; i++) update();
        return updates / watch.Elapsed.TotalSeconds;
    }

    private const int ActionSize = 18;

    private static float[] Random(Xoshiro256 rng, int n, double low = -1, double high = 1)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)rng.Uniform(low, high);
        return x;
    }
}
