namespace RL.Envs.Locomotion.Tests;

/// <summary>The three envs by id, built through the catalogue as servers and the CLI build them.</summary>
public static class Envs
{
    public static readonly string[] Ids = { HopperEnv.Id, Walker2dEnv.Id, HalfCheetahEnv.Id };

    public static readonly EnvRegistry Registry = LocomotionCatalog.Register(new EnvRegistry());

    public static LocomotionEnv Create(string id) => (LocomotionEnv)Registry.Create(id);

    /// <summary>A state from qpos and qvel given as arrays, handed to <see cref="LocomotionEnv.SetState"/>.</summary>
    public static float[] SetState(LocomotionEnv env, double[] qpos, double[] qvel)
    {
        var obs = new float[env.Spec.ObservationSize];
        env.SetState(qpos, qvel, obs);
        return obs;
    }
}
