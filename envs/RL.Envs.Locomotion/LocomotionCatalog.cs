namespace RL.Envs.Locomotion;

/// <summary>Registers Hopper, Walker2d and HalfCheetah (Gymnasium v4 rules) for servers, the CLI and tests.</summary>
public static class LocomotionCatalog
{
    public static IReadOnlyList<string> Ids { get; } = new[] { HopperEnv.Id, Walker2dEnv.Id, HalfCheetahEnv.Id };

    public static EnvRegistry Register(EnvRegistry registry) => registry
        .Register(HopperEnv.Id, HopperEnv.Create,
            "Gymnasium Hopper-v4 rules on MuJoCo: 11 observations, 3 torques in [-1, 1]; reward forward + healthy + ctrl terms; terminated when unhealthy, truncated at 1000 steps.")
        .Register(Walker2dEnv.Id, Walker2dEnv.Create,
            "Gymnasium Walker2d-v4 rules on MuJoCo: 17 observations, 6 torques in [-1, 1]; reward forward + healthy + ctrl terms; left/right mirror maps; terminated when unhealthy, truncated at 1000 steps.")
        .Register(HalfCheetahEnv.Id, HalfCheetahEnv.Create,
            "Gymnasium HalfCheetah-v4 rules on MuJoCo: 17 observations, 6 torques in [-1, 1]; reward forward + ctrl terms; never terminates, truncated at 1000 steps.");
}
