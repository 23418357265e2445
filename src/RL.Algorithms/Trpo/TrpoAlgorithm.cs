using RL.Algorithms.OnPolicy;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs.Spaces;
using static TorchSharp.torch;

namespace RL.Algorithms.Trpo;

/// <summary>TRPO's entry in <see cref="AlgorithmCatalog"/>.</summary>
public sealed class TrpoAlgorithm : IAlgorithm
{
    public const string Kind = "trpo";

    AlgorithmKind IAlgorithm.Kind => AlgorithmKind.Trpo;

    public IReadOnlyList<CsvColumn> ProgressColumns => TrpoUpdate.ProgressColumns;

    public IReadOnlyList<string> PolicyFiles { get; } = new[] { OnPolicyModel.PolicyFile, TrainingSession.RunStateFile };

    private const string MinibatchStream = "trpo-minibatches";

    public IReadOnlyDictionary<string, object> SeedStreams(TrainingSession session) => OnPolicyTrainer.SeedStreams(session, MinibatchStream);

    public TrainOutcome Train(TrainingSession session) =>
        OnPolicyTrainer.Train(session, session.Config.Trpo, Kind, "trpo", model => new TrpoUpdate(session.Config.Trpo, model, session.SeedFor(MinibatchStream)));

    public IEvaluationPolicy LoadPolicy(RunConfig config, ObservationPipeline pipeline, Box actionSpace, CheckpointReader checkpoint, Device device) =>
        OnPolicyPolicy.FromCheckpoint(Kind, config.Trpo, pipeline, actionSpace, checkpoint, device);
}
