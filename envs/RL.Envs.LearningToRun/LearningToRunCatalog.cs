namespace RL.Envs.LearningToRun;

/// <summary>Registers the Learning-to-Run env under id "L2R" for servers, the CLI and tests.</summary>
public static class LearningToRunCatalog
{
    public static EnvRegistry Register(EnvRegistry registry) =>
        registry.Register(LearningToRunSpec.Id, LearningToRunEnv.Create,
            "NIPS 2017 Learning to Run (osim-rl v1.5 RunEnv) on MuJoCo: 41 observations, 18 muscle excitations in [0, 1]. " +
            "Options: difficulty 0|1|2 (2), max_obstacles 0..20 (3), psoas_left_index 11|12 (11, the 2017 quirk), " +
            "obstacle_radius documented|legacy (documented), substep seconds (0.001), physics faithful.");
}
