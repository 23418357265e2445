using RL.Core.Environments;
using RL.Envs;
using RL.Envs.Classic;
using RL.Envs.LearningToRun;
using RL.Envs.Wrappers;

namespace RL.Cli.Environments;

/// <summary>
/// The envs and env sources the `rl` command offers: Learning to Run ("L2R") and Pendulum, in process; the gRPC
/// worker pool (env.backend local and remote) registers here once it is part of the build.
/// </summary>
public static class CliEnvironments
{
    public const string LearningToRunId = "L2R";

    /// <summary>Env ids this process can build, with the generic per-frame reward-shaping stage.</summary>
    public static EnvRegistry CreateRegistry()
    {
        var registry = new EnvRegistry();
        LearningToRunCatalog.Register(registry);
        registry.Register("Pendulum", _ => new Pendulum(), "Gymnasium Pendulum-v1 swing-up (3 observations, 1 torque)");
        RewardShaping.Register(registry);
        return registry;
    }

    public static EnvProviderCatalog CreateProviders(EnvRegistry registry) =>
        new EnvProviderCatalog()
            .Register(new InProcessEnvProvider(registry))
            .RegisterUnavailable("local", "the gRPC env worker pool (local child env servers) has not landed on this branch yet; use env.backend: in_process")
            .RegisterUnavailable("remote", "the gRPC env worker pool (remote env servers) has not landed on this branch yet; use env.backend: in_process");

    /// <summary>Why <paramref name="envId"/> cannot be trained in this build, or null when it can.</summary>
    public static string? Unavailable(EnvRegistry registry, string envId)
    {
        if (registry.Ids.Contains(envId)) return null;
        if (envId == LearningToRunId)
            return $"env '{LearningToRunId}' (Learning to Run) is not registered in this build: the MuJoCo rebuild (envs/RL.Envs.LearningToRun) " +
                   $"has not landed on this branch yet. Until it does, train another env, e.g. `rl train experiments/configs/ddpg-pendulum.yaml`. " +
                   $"Registered envs: {string.Join(", ", registry.Ids.OrderBy(i => i, StringComparer.Ordinal))}.";
        return null;
    }
}
