using RL.Envs.Classic;
using RL.Envs.LearningToRun;
using RL.Envs.Locomotion;
using RL.Envs.Server.Fakes;
using RL.Envs.Wrappers;

namespace RL.Envs.Server;

/// <summary>
/// Every env an env server can host, in one place, with what each costs in memory. The server, `rl serve` and the
/// in-process paths of the benchmarks build their registry here, so a served env and an in-process one are the same
/// code.
/// </summary>
public static class EnvCatalog
{
    /// <summary>The fault-injection env: registered only when test envs are allowed (<c>--allow-test-envs</c>).</summary>
    public const string FaultEnvId = "Fault";

    /// <summary>Env ids that exist only for tests and benchmarks.</summary>
    public static IReadOnlyCollection<string> TestEnvIds { get; } = new[] { FaultEnvId };

    /// <summary>
    /// Builds the registry. <paramref name="serverSlot"/> is the server's slot in its pool (-1 when standalone); only
    /// the fault env reads it. <paramref name="allowTestEnvs"/> adds the fault env, whose options crash or hang the
    /// process that hosts it: never on by default (issue 10, part 5).
    /// </summary>
    public static EnvRegistry Create(int serverSlot = -1, bool allowTestEnvs = false)
    {
        var registry = new EnvRegistry();
        registry.Register("Pendulum", _ => new Pendulum(), "Gymnasium Pendulum-v1 swing-up (3 observations, 1 action): smoke runs and learning tests.");
        if (allowTestEnvs)
            registry.Register(FaultEnvId, o => new FaultEnv(FaultEnvSettings.Read(o), serverSlot),
                "Fault-injection fake simulator (reliability.md §3): options obs_size, action_size, max_steps, terminate_prob, work (busy iterations per step), " +
                "delay_ms, crash_after_steps, crash_prob, hang_after_steps, hang_in_init, throw_after_steps, nan_obs_prob, inf_reward_prob, sim_error_prob, fail_slots, fault_seed.");
        LearningToRunCatalog.Register(registry);
        LocomotionCatalog.Register(registry);
        // The generic per-frame shaping stage (option `shaping`): on the server, so shaped rewards and their logged
        // terms come back with each step instead of the trainer recomputing them from observations.
        return RewardShaping.Register(registry);
    }

    /// <summary>
    /// Estimated resident memory of one env of <paramref name="envId"/>, which a server reserves per env against its
    /// memory budget (--max-env-memory-mb) before building any. Estimates err high; an id not listed gets the
    /// largest known cost.
    /// </summary>
    public static long BytesPerEnv(string envId) => envId switch
    {
        LearningToRunSpec.Id => LearningToRunBytes,
        // 2000 Pendulums raised a process's RSS by 5.5 MB (2.8 KB each, same experiment as L2R below).
        "Pendulum" => 16 << 10,
        FaultEnvId => 64 << 10,
        HopperEnv.Id or Walker2dEnv.Id or HalfCheetahEnv.Id => LocomotionBytes,
        _ => LearningToRunBytes,
    };

    // Measured (issue 10, part 5): 64 L2R envs built in one process, each reset and stepped 20 times, raised its RSS by
    // 211 MB, 3.30 MB per env (two runs alike; the managed heap grew 0.02 MB per env, the rest is each env's mjModel
    // copy and mjData), on Debian 12, .NET 10, libmujoco 2.2.2. Rounded up to 3.5 MiB.
    private const long LearningToRunBytes = 7 << 19;

    // Hopper, Walker2d and HalfCheetah share one compiled model per task in a process; each env owns one mjData and a
    // few small arrays. Measured: 64 mjData of each model, stepped 2000 times with random controls, raised a process's
    // RSS by 3.10-3.14 MB each (MuJoCo 2.2.2 zeroes its 3.2 MB buffer; the scratch stack is touched only in part).
    // Rounded up to 3.5 MiB, as L2R.
    private const long LocomotionBytes = 7 << 19;
}
