using System.Diagnostics;
using RL.Core.Networks;
using RL.Core.Tensors;
using RL.Envs;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Cli.Benchmarks;

/// <summary>
/// A DDPG actor acting on every batch of `rl bench env --workers W --policy CONFIG`, so the throughput includes the
/// sampler's inference as in training (issue 16). The network is the config's ddpg.actor with fresh weights over the
/// env's raw observations (a run's observation transform may add a few inputs; the cost is the same to a few %).
/// One per sampler thread; its forward reads the step result's observation array and writes the action array in
/// place through tensor views, so nothing is allocated per step beyond torch's own temporaries.
/// </summary>
internal sealed class BenchPolicy : IDisposable
{
    private readonly DeterministicActor _actor;
    private readonly Tensor _observations, _actions;

    public BenchPolicy(ActorNetworkConfig config, EnvSpec spec, float[] observations, float[] actions)
    {
        int envs = actions.Length / spec.ActionSize;
        _actor = new DeterministicActor(spec.ObservationSize, spec.ActionSpace, config);
        _actor.eval();
        _observations = BufferViews.View(observations, envs, spec.ObservationSize);
        _actions = BufferViews.View(actions, envs, spec.ActionSize);
    }

    /// <summary>Seconds spent in <see cref="Act"/> so far.</summary>
    public double Seconds { get; private set; }

    /// <summary>actions ← μ(observations) for the whole batch.</summary>
    public void Act()
    {
        long start = Stopwatch.GetTimestamp();
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
            _actions.copy_(_actor.forward(_observations));
        Seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    public void Dispose()
    {
        _observations.Dispose();
        _actions.Dispose();
        _actor.Dispose();
    }
}
