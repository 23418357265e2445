using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Normalization;
using RL.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// The deterministic policy of a PPO or TRPO run, for evaluation: observation transform → normalisation with
/// frozen statistics → the policy network → the Gaussian mean clipped into the action box, or the Bernoulli
/// mode mapped onto the box's bounds (NNAISENSE evaluated the mode).
/// </summary>
public sealed class OnPolicyPolicy : IEvaluationPolicy
{
    private readonly PolicyNetwork _policy;
    private readonly ActionDistribution _distribution;
    private readonly ObservationPipeline _pipeline;
    private readonly TensorNormalizer _normalizer;
    private readonly Device _device;
    private float[] _transformed = Array.Empty<float>(), _head = Array.Empty<float>();

    /// <summary>Wraps <paramref name="policy"/> (a copy owned by this object) with the pipeline's current statistics.</summary>
    public OnPolicyPolicy(PolicyNetwork policy, ActionDistribution distribution, ObservationPipeline pipeline, Device device)
    {
        _policy = policy;
        _policy.eval();
        _distribution = distribution;
        _pipeline = pipeline;
        _device = device;
        _normalizer = new TensorNormalizer(pipeline, device);
    }

    /// <summary>A copy of <paramref name="model"/>'s current policy.</summary>
    public static OnPolicyPolicy Snapshot(OnPolicyModel model)
    {
        var copy = RL.Core.Networks.IsolatedInit.Build(() => new PolicyNetwork(model.ObservationSize, model.ActionSize, model.Config.Policy, model.Distribution.HasLogStd, model.Config.InitialLogStd));
        copy.to(model.Device);
        RL.Core.Networks.Parameters.Copy(model.Policy, copy);
        return new OnPolicyPolicy(copy, model.Distribution, model.Pipeline, model.Device);
    }

    /// <summary>The policy a PPO or TRPO checkpoint holds: policy.pt and the normaliser statistics.</summary>
    public static OnPolicyPolicy FromCheckpoint(string kind, OnPolicyConfig config, ObservationPipeline pipeline, Box actionSpace, CheckpointReader checkpoint, Device device)
    {
        if (checkpoint.Manifest.Kind != kind)
            throw new InvalidDataException($"checkpoint {checkpoint.Name} was written by '{checkpoint.Manifest.Kind}', not {kind}.");
        var distribution = ActionDistribution.For(config.Distribution, actionSpace);
        var policy = RL.Core.Networks.IsolatedInit.Build(() => new PolicyNetwork(pipeline.Size, actionSpace.Size, config.Policy, distribution.HasLogStd, config.InitialLogStd));
        checkpoint.ReadModule(OnPolicyModel.PolicyFile, policy);
        policy.to(device);
        TrainingSession.ReadObservationStatistics(checkpoint, pipeline);
        return new OnPolicyPolicy(policy, distribution, pipeline, device);
    }

    public void Act(ReadOnlySpan<float> observations, Span<float> actions)
    {
        int inSize = _pipeline.Transform.InputSize, outSize = _pipeline.Size, a = _distribution.ActionSpace.Size;
        int rows = observations.Length / inSize;
        if (_transformed.Length != rows * outSize) _transformed = new float[rows * outSize];
        if (_head.Length != rows * a) _head = new float[rows * a];
        _pipeline.Transform.ApplyRows(observations, _transformed);
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.tensor(_transformed, new long[] { rows, outSize }, device: _device);
            _policy.forward(_normalizer.Apply(x)).cpu().data<float>().CopyTo(_head);
        }
        Span<float> mode = stackalloc float[a];
        for (int r = 0; r < rows; r++)
        {
            _distribution.Mode(_head.AsSpan(r * a, a), mode);
            _distribution.ToEnv(mode, actions.Slice(r * a, a));
        }
    }

    public void Dispose()
    {
        _normalizer.Dispose();
        _policy.Dispose();
    }
}
