using RL.Envs;
using RL.Envs.Classic;
using RL.Envs.LearningToRun;

namespace RL.Cli.Envs;

/// <summary>The envs this process can build in-process (the CLI is the composition root that knows envs/).</summary>
public static class LocalEnvs
{
    public static EnvRegistry Create()
    {
        var registry = new EnvRegistry()
            .Register("Pendulum", _ => new Pendulum(), "Gymnasium Pendulum-v1 swing-up (a small task for smoke runs and learning tests).");
        return LearningToRunCatalog.Register(registry);
    }
}
