using RL.Core.Checkpoints;
using RL.Core.Networks;
using RL.Core.Normalization;
using RL.Core.Tensors;
using RL.Envs;
using RL.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// The networks PPO and TRPO share (the policy π and the value function V, separate MLPs as in baselines PPO1
/// and TRPO), the action distribution, and the normaliser snapshot the rollout and its update both use: it is
/// refreshed once per rollout, so the update sees exactly the inputs the actions were drawn from.
/// </summary>
public sealed class OnPolicyModel : IDisposable
{
    public const string PolicyFile = "policy.pt";
    public const string ValueFile = "value.pt";

    private readonly Device _device;

    public OnPolicyModel(OnPolicyConfig config, ObservationPipeline pipeline, Box actionSpace, Device device, ulong torchSeed)
    {
        Config = config;
        Pipeline = pipeline;
        ActionSpace = actionSpace;
        _device = device;
        Distribution = ActionDistribution.For(config.Distribution, actionSpace);
        // The network initialisation is the only use of torch's global generator: seed it from the run's master seed.
        torch.manual_seed((long)(torchSeed >> 1));
        Policy = new PolicyNetwork(pipeline.Size, actionSpace.Size, config.Policy, Distribution.HasLogStd, config.InitialLogStd);
        Value = new Mlp(pipeline.Size, 1, config.Value, name: "ValueMlp");
        Policy.to(device);
        Value.to(device);
        Normalizer = new TensorNormalizer(pipeline, device);
    }

    public OnPolicyConfig Config { get; }
    public ObservationPipeline Pipeline { get; }
    public Box ActionSpace { get; }
    public ActionDistribution Distribution { get; }
    public PolicyNetwork Policy { get; }
    public Mlp Value { get; }
    public TensorNormalizer Normalizer { get; }
    public Device Device => _device;
    public int ObservationSize => Pipeline.Size;
    public int ActionSize => ActionSpace.Size;

    /// <summary>The log-std row on the CPU (empty for a Bernoulli policy), for sampling.</summary>
    public float[] LogStdRow()
    {
        if (Policy.LogStd is null) return Array.Empty<float>();
        using var _ = torch.no_grad();
        return Policy.LogStd.cpu().data<float>().ToArray();
    }

    /// <summary>Distribution parameters and V(s) for rows of transformed observations, in one batched forward each.</summary>
    public void Forward(Tensor transformedRows, Tensor? head, Tensor? values)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = Normalizer.Apply(_device.type == DeviceType.CPU ? transformedRows : transformedRows.to(_device));
        head?.copy_(Policy.forward(x));
        values?.copy_(Value.forward(x).squeeze(-1));
    }

    public IEnumerable<Tensor> LearnedTensors() => Policy.parameters().Concat(Value.parameters()).Select(p => (Tensor)p);

    public void Save(CheckpointWriter w)
    {
        w.AddModule(PolicyFile, Policy);
        w.AddModule(ValueFile, Value);
    }

    public void Load(CheckpointReader r)
    {
        r.ReadModule(PolicyFile, Policy);
        r.ReadModule(ValueFile, Value);
    }

    public void Dispose()
    {
        Policy.Dispose();
        Value.Dispose();
        Normalizer.Dispose();
    }
}
