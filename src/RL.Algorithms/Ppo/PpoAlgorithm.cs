using RL.Algorithms.OnPolicy;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs.Spaces;
using static TorchSharp.torch;

namespace RL.Algorithms.Ppo;

/// <summary>PPO's entry in <see cref="AlgorithmCatalog"/>.</summary>
public sealed class PpoAlgorithm : IAlgorithm
{
    public const string Kind = "ppo";

    AlgorithmKind IAlgorithm.Kind => AlgorithmKind.Ppo;

    public IReadOnlyList<CsvColumn> ProgressColumns => PpoUpdate.ProgressColumns;

    public IReadOnlyList<string> PolicyFiles { get; } = new[] { OnPolicyModel.PolicyFile, TrainingSession.RunStateFile };

    private const string MinibatchStream = "ppo-minibatches";

    public IReadOnlyDictionary<string, object> SeedStreams(TrainingSession session) => OnPolicyTrainer.SeedStreams(session, MinibatchStream);

    public TrainOutcome Train(TrainingSession session) =>
        OnPolicyTrainer.Train(session, session.Config.Ppo, Kind, "ppo", model => new PpoUpdate(session.Config.Ppo, model, session.SeedFor(MinibatchStream)));

    public IEvaluationPolicy LoadPolicy(RunConfig config, ObservationPipeline pipeline, Box actionSpace, CheckpointReader checkpoint, Device device) =>
        OnPolicyPolicy.FromCheckpoint(Kind, config.Ppo, pipeline, actionSpace, checkpoint, device);
}
