using RL.Envs.Classic;
using RL.Envs.LearningToRun;
using RL.Envs.Server.Fakes;
using RL.Envs.Wrappers;

namespace RL.Envs.Server;

/// <summary>
/// Every env an env server can host, in one place. The server, `rl serve` and the in-process paths of the
/// benchmarks build their registry here, so a served env and an in-process one are the same code.
/// </summary>
public static class EnvCatalog
{
    /// <summary>Builds the registry. <paramref name="serverSlot"/> is the server's slot in its pool (-1 when standalone); only the fault env reads it.</summary>
    public static EnvRegistry Create(int serverSlot = -1)
    {
        var registry = new EnvRegistry();
        registry.Register("Pendulum", _ => new Pendulum(), "Gymnasium Pendulum-v1 swing-up (3 observations, 1 action): smoke runs and learning tests.");
        registry.Register("Fault", o => new FaultEnv(FaultEnvSettings.Read(o), serverSlot),
            "Fault-injection fake simulator (reliability.md §3): options obs_size, action_size, max_steps, terminate_prob, work (busy iterations per step), " +
            "delay_ms, crash_after_steps, crash_prob, hang_after_steps, hang_in_init, throw_after_steps, nan_obs_prob, inf_reward_prob, sim_error_prob, fail_slots, fault_seed.");
        LearningToRunCatalog.Register(registry);
        // The generic per-frame shaping stage (option `shaping`): on the server, so shaped rewards and their logged
        // terms come back with each step instead of the trainer recomputing them from observations.
        return RewardShaping.Register(registry);
    }
}
