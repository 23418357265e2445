using RL.Core.Checkpoints;

namespace RL.Algorithms.OnPolicy;

/// <summary>The part of PPO or TRPO that differs: how one rollout's batch updates the shared <see cref="OnPolicyModel"/>.</summary>
public interface IOnPolicyUpdate : IDisposable
{
    /// <summary>Learns from one rollout; returns the progress values, or null when a loss or gradient was not finite (nothing changed then).</summary>
    Dictionary<string, double>? Update(OnPolicyBatch batch, long envSteps);

    /// <summary>Optimiser state, RNG streams and anything else the update carries between rollouts.</summary>
    void Save(CheckpointWriter writer);

    void Load(CheckpointReader checkpoint);

    /// <summary>Reloads only the optimisers (the networks are the model's): the rollback of R9.</summary>
    void LoadLearner(CheckpointReader checkpoint);
}
