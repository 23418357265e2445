using RL.Core.Checkpoints;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs.Spaces;
using static TorchSharp.torch;

namespace RL.Algorithms.Training;

/// <summary>
/// What `rl train` and `rl eval` need of a learning algorithm (issue 12: one small interface, one catalogue, so the
/// commands dispatch once on <c>algorithm:</c> instead of naming DDPG). A new algorithm is a folder with its config,
/// learner and policy, and one line in <see cref="AlgorithmCatalog"/>.
/// </summary>
public interface IAlgorithm
{
    AlgorithmKind Kind { get; }

    /// <summary>The extra progress.csv columns its learner fills (losses, learning rates, noise), with units and meanings.</summary>
    IReadOnlyList<CsvColumn> ProgressColumns { get; }

    /// <summary>The checkpoint files <see cref="LoadPolicy"/> reads, so a reader can check they are all there first.</summary>
    IReadOnlyList<string> PolicyFiles { get; }

    /// <summary>
    /// The seeds of its own random streams by name (one seed, or a list such as one per env group), in the order
    /// config.yaml's provenance lists them between the master seed and the env seeds (<see cref="SessionOptions.SeedStreams"/>).
    /// </summary>
    IReadOnlyDictionary<string, object> SeedStreams(TrainingSession session);

    /// <summary>Trains in an opened session until a budget, a stop request or a failure, and says how it ended.</summary>
    TrainOutcome Train(TrainingSession session);

    /// <summary>The deterministic policy a checkpoint holds, for evaluation.</summary>
    IEvaluationPolicy LoadPolicy(RunConfig config, ObservationPipeline pipeline, Box actionSpace, CheckpointReader checkpoint, Device device);
}

/// <summary>A policy loaded for evaluation; it owns native memory, so it is disposed after use.</summary>
public interface IEvaluationPolicy : IPolicy, IDisposable
{
}
