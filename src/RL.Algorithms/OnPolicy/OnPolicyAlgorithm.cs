using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs.Spaces;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// The catalogue entry of an on-policy algorithm: everything but its config section, its update and its progress
/// columns is shared (the trainer, the policy files and loader, the seed streams), so PPO and TRPO are a few lines each.
/// </summary>
public abstract class OnPolicyAlgorithm<TConfig> : IAlgorithm where TConfig : OnPolicyConfig
{
    private readonly string _name;
    private readonly string _minibatchStream;

    protected OnPolicyAlgorithm(AlgorithmKind kind, string name)
    {
        Kind = kind;
        _name = name;
        _minibatchStream = $"{name}-minibatches";
    }

    public AlgorithmKind Kind { get; }

    public abstract IReadOnlyList<CsvColumn> ProgressColumns { get; }

    public IReadOnlyList<string> PolicyFiles { get; } = new[] { OnPolicyModel.PolicyFile, TrainingSession.RunStateFile };

    /// <summary>The algorithm's section of the run config.</summary>
    protected abstract TConfig Section(RunConfig config);

    protected abstract IOnPolicyUpdate MakeUpdate(TConfig config, OnPolicyModel model, ulong seed);

    public IReadOnlyDictionary<string, object> SeedStreams(TrainingSession session) => OnPolicyTrainer.SeedStreams(session, _minibatchStream);

    public TrainOutcome Train(TrainingSession session)
    {
        var config = Section(session.Config);
        return OnPolicyTrainer.Train(session, config, _name, model => MakeUpdate(config, model, session.SeedFor(_minibatchStream)));
    }

    public IEvaluationPolicy LoadPolicy(RunConfig config, ObservationPipeline pipeline, Box actionSpace, CheckpointReader checkpoint, Device device) =>
        OnPolicyPolicy.FromCheckpoint(_name, Section(config), pipeline, actionSpace, checkpoint, device);
}
