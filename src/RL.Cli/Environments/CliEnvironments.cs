using RL.Core.Environments;
using RL.Envs;
using RL.Envs.Remote;
using RL.Envs.Server;

namespace RL.Cli.Environments;

/// <summary>
/// The envs and env sources the `rl` command offers: the env servers' catalog (Learning to Run "L2R", Pendulum,
/// the fault-injection env) in process, and the gRPC worker pool as env.backend local and remote.
/// </summary>
public static class CliEnvironments
{
    public const string LearningToRunId = "L2R";

    /// <summary>Env ids this process can build: the same catalog the env servers host, so both paths run the same code.</summary>
    public static EnvRegistry CreateRegistry() => EnvCatalog.Create();

    /// <param name="registry">The envs the in-process source builds.</param>
    /// <param name="workers">Token, CA, deadlines and restart limits for the gRPC sources; null for their defaults.</param>
    public static EnvProviderCatalog CreateProviders(EnvRegistry registry, RemoteEnvOptions? workers = null) =>
        new EnvProviderCatalog()
            .Register(new InProcessEnvProvider(registry))
            .Register(new WorkerPoolEnvProvider(remote: false, workers))
            .Register(new WorkerPoolEnvProvider(remote: true, workers));
}
