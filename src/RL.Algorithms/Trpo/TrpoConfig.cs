using RL.Algorithms.OnPolicy;
using RL.Core.Config;

namespace RL.Algorithms.Trpo;

/// <summary>
/// TRPO hyperparameters (Schulman et al. 2015, arXiv 1502.05477), as baselines trpo_mpi implements it: a natural
/// gradient step by conjugate gradient on Fisher-vector products, scaled to the KL limit, then a backtracking line
/// search; the value function is fitted separately by Adam.
/// </summary>
public sealed record TrpoConfig : OnPolicyConfig, IValidatedConfig
{
    [ConfigDoc("Trust region: the mean KL(old ‖ new) over the rollout that a step may reach; the line search refuses any step above it.",
        Unit = "nats", Source = "baselines trpo_mpi (0.01; Pavlov et al. 0.01)")]
    [ConfigRange(0, 10, MinExclusive = true)]
    public double MaxKl { get; init; } = 0.01;

    [ConfigDoc("Conjugate-gradient iterations solving F x = g.",
        Unit = "iterations", Source = "baselines trpo_mpi (10)")]
    [ConfigRange(1, 1000)]
    public int CgIterations { get; init; } = 10;

    [ConfigDoc("Damping added to the Fisher-vector product (F + damping·I) for a well-conditioned solve.",
        Unit = "-", Source = "baselines trpo_mpi (Pavlov et al. 0.1)")]
    [ConfigRange(0, 1e6)]
    public double CgDamping { get; init; } = 0.1;

    [ConfigDoc("Maximum halvings of the step in the line search before the update is abandoned (parameters unchanged).",
        Unit = "steps", Source = "baselines trpo_mpi (10)")]
    [ConfigRange(1, 100)]
    public int LineSearchSteps { get; init; } = 10;

    [ConfigDoc("Weight of the mean policy entropy added to the surrogate.",
        Unit = "-", Source = "baselines trpo_mpi (0)")]
    [ConfigRange(0, 100)]
    public double EntropyCoef { get; init; }

    [ConfigDoc("Passes of the value fit over the rollout per update.",
        Unit = "epochs", Source = "baselines trpo_mpi (vf_iters 3; Pavlov et al. 5)")]
    [ConfigRange(1, 1000)]
    public int ValueEpochs { get; init; } = 5;

    [ConfigDoc("Rows per value-fit gradient step.",
        Unit = "rows", Source = "baselines trpo_mpi (64)")]
    [ConfigRange(1, 1e8)]
    public int ValueMinibatchSize { get; init; } = 64;

    [ConfigDoc("Adam learning rate of the value fit.",
        Unit = "learning rate", Source = "baselines trpo_mpi (vf_stepsize 1e-3)")]
    [ConfigRange(0, 10, MinExclusive = true)]
    public double ValueLr { get; init; } = 1e-3;

    public void Validate(Action<string, string> error) => ValidateShared(error);
}
