using RL.Core.Tensors;
using RL.Envs.Spaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RL.Core.Networks;

/// <summary>
/// μ(s): an <see cref="Mlp"/> whose output is squashed into [0, 1] (sigmoid or (tanh + 1)/2) and then mapped
/// linearly onto the action box [low, high]. For Learning to Run's excitations the box is [0, 1] and the map is
/// the identity, which is skipped.
/// </summary>
public sealed class DeterministicActor : Module<Tensor, Tensor>
{
    private readonly Mlp mlp;
    private readonly Tensor low;
    private readonly Tensor range;
    private readonly ActorOutput _output;
    private readonly bool _identityMap;
    private readonly Tensor half;

    public DeterministicActor(long observationSize, Box actionSpace, ActorNetworkConfig config, Generator? noiseGenerator = null)
        : base("DeterministicActor")
    {
        for (int i = 0; i < actionSpace.Size; i++)
            if (!float.IsFinite(actionSpace.Low[i]) || !float.IsFinite(actionSpace.High[i]))
                throw new ArgumentException($"the deterministic actor needs a bounded action space; action {i} is [{actionSpace.Low[i]}, {actionSpace.High[i]}].");
        Config = config;
        ActionSpace = actionSpace;
        mlp = new Mlp(observationSize, actionSpace.Size, config, config.Noisy, config.NoisySigma0, noiseGenerator);
        low = torch.tensor(actionSpace.Low);
        range = torch.tensor(actionSpace.High.Zip(actionSpace.Low, (h, l) => h - l).ToArray());
        _output = config.Output;
        _identityMap = actionSpace.Low.All(v => v == 0f) && actionSpace.High.All(v => v == 1f);
        register_buffer("low", low, persistent: false);
        register_buffer("range", range, persistent: false);
        half = torch.tensor(0.5f);
        register_buffer("half", half, persistent: false);
        RegisterComponents();
    }

    public ActorNetworkConfig Config { get; }
    public Box ActionSpace { get; }
    public Mlp Body => mlp;

    public override Tensor forward(Tensor observation)
    {
        var x = mlp.forward(observation);
        // (tanh + 1)/2 as 0.5·tanh + 0.5 with a 0-d tensor, not an implicit Scalar (see RL.Core.Optimization.AdamOptimizer on why).
        // add(t) would pass TorchSharp's own alpha = 1, an unowned Scalar: pass the process-lifetime one.
        var unit = _output == ActorOutput.Sigmoid ? x.sigmoid() : x.tanh().mul(half).add(half, OwnedScalars.One);
        return _identityMap ? unit : unit.mul(range).add(low, OwnedScalars.One);
    }
}
