using System.Globalization;
using RL.Algorithms.Training;
using RL.Core.Checkpoints;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs.Spaces;
using static TorchSharp.torch;

namespace RL.Algorithms.Ddpg;

/// <summary>DDPG's entry in <see cref="AlgorithmCatalog"/>: the trainer, its progress columns and its policy.</summary>
public sealed class DdpgAlgorithm : IAlgorithm
{
    public AlgorithmKind Kind => AlgorithmKind.Ddpg;

    public IReadOnlyList<CsvColumn> ProgressColumns => Ddpg.ProgressColumns;

    public IReadOnlyList<string> PolicyFiles { get; } = new[] { Ddpg.ActorFile, TrainingSession.RunStateFile };

    /// <summary>
    /// torch's generator (network init), replay sampling and each sampler's exploration; the seeds as Ddpg and DdpgSampler
    /// derive them. TD3's streams (Q2's initialisation, the target smoothing noise) are listed only when their switch is on,
    /// so a DDPG run's config.yaml is unchanged.
    /// </summary>
    public IReadOnlyDictionary<string, object> SeedStreams(TrainingSession session)
    {
        var streams = new Dictionary<string, object>
        {
            ["torch"] = Ddpg.TorchSeed(session.SeedFor),
            ["replay"] = session.SeedFor("replay").ToString(CultureInfo.InvariantCulture),
            ["samplers"] = session.Runners.Select(r => session.SeedFor("sampler", r.Index).ToString(CultureInfo.InvariantCulture)).ToArray(),
        };
        var td3 = session.Config.Ddpg.Td3;
        if (td3.TwinCritics) streams["critic2"] = Ddpg.Critic2TorchSeed(session.SeedFor);
        if (td3.TargetPolicyNoise > 0) streams["target_noise"] = session.SeedFor("target_noise").ToString(CultureInfo.InvariantCulture);
        return streams;
    }

    public TrainOutcome Train(TrainingSession session) => DdpgTrainer.Train(session);

    public IEvaluationPolicy LoadPolicy(RunConfig config, ObservationPipeline pipeline, Box actionSpace, CheckpointReader checkpoint, Device device) =>
        DdpgPolicy.FromCheckpoint(config.Ddpg.Actor, pipeline, actionSpace, checkpoint, device);
}
