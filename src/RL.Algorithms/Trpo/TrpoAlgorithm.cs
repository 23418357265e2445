using RL.Algorithms.OnPolicy;
using RL.Core.Logging;

namespace RL.Algorithms.Trpo;

/// <summary>TRPO's entry in <see cref="Training.AlgorithmCatalog"/>.</summary>
public sealed class TrpoAlgorithm() : OnPolicyAlgorithm<TrpoConfig>(AlgorithmKind.Trpo, "trpo")
{
    public override IReadOnlyList<CsvColumn> ProgressColumns => TrpoUpdate.ProgressColumns;

    protected override TrpoConfig Section(RunConfig config) => config.Trpo;

    protected override IOnPolicyUpdate MakeUpdate(TrpoConfig config, OnPolicyModel model, ulong seed) => new TrpoUpdate(config, model, seed);
}
