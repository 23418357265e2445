using RL.Algorithms.OnPolicy;
using RL.Core.Logging;

namespace RL.Algorithms.Ppo;

/// <summary>PPO's entry in <see cref="Training.AlgorithmCatalog"/>.</summary>
public sealed class PpoAlgorithm() : OnPolicyAlgorithm<PpoConfig>(AlgorithmKind.Ppo, "ppo")
{
    public override IReadOnlyList<CsvColumn> ProgressColumns => PpoUpdate.ProgressColumns;

    protected override PpoConfig Section(RunConfig config) => config.Ppo;

    protected override IOnPolicyUpdate MakeUpdate(PpoConfig config, OnPolicyModel model, ulong seed) => new PpoUpdate(config, model, seed);
}
