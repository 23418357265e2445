using RL.Algorithms.Training;
using RL.Core.Networks;
using RL.Core.Normalization;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.Ddpg;

/// <summary>
/// The deterministic DDPG policy used for evaluation: observation transform → normalisation with frozen
/// statistics → actor μ(s) with NoisyNet layers in eval mode (their μ weights) and no action noise.
/// </summary>
public sealed class DdpgPolicy : IEvaluationPolicy
{
    private readonly DeterministicActor _actor;
    private readonly ObservationPipeline _pipeline;
    private readonly TensorNormalizer _normalizer;
    private readonly Device _device;
    private float[] _transformed = Array.Empty<float>();

    /// <summary>Wraps <paramref name="actor"/> (a copy owned by the policy) with the pipeline's current statistics.</summary>
    public DdpgPolicy(DeterministicActor actor, ObservationPipeline pipeline, Device device)
    {
        _actor = actor;
        _actor.eval();
        _pipeline = pipeline;
        _device = device;
        _normalizer = new TensorNormalizer(pipeline, device);
    }

    /// <summary>The policy stored in a DDPG checkpoint: actor.pt and the normaliser statistics.</summary>
    public static DdpgPolicy FromCheckpoint(ActorNetworkConfig config, ObservationPipeline pipeline, RL.Envs.Spaces.Box actionSpace, RL.Core.Checkpoints.CheckpointReader checkpoint, Device device)
    {
        if (checkpoint.Manifest.Kind != Ddpg.Kind)
            throw new InvalidDataException($"checkpoint {checkpoint.Name} was written by '{checkpoint.Manifest.Kind}', not DDPG.");
        var actor = IsolatedInit.Build(() => new DeterministicActor(pipeline.Size, actionSpace, config,
            config.Noisy != NoisyLayers.None ? new Generator(0, device: torch.CPU) : null));
        checkpoint.ReadModule(Ddpg.ActorFile, actor);
        actor.to(device);
        TrainingSession.ReadObservationStatistics(checkpoint, pipeline);
        return new DdpgPolicy(actor, pipeline, device);
    }

    public void Act(ReadOnlySpan<float> observations, Span<float> actions)
    {
        int inSize = _pipeline.Transform.InputSize, outSize = _pipeline.Size;
        int rows = observations.Length / inSize;
        if (_transformed.Length != rows * outSize) _transformed = new float[rows * outSize];
        _pipeline.Transform.ApplyRows(observations, _transformed);
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(_transformed, new long[] { rows, outSize }, device: _device);
        var a = _actor.forward(_normalizer.Apply(x)).cpu();
        a.data<float>().CopyTo(actions);
    }

    public void Dispose()
    {
        _normalizer.Dispose();
        _actor.Dispose();
    }
}
