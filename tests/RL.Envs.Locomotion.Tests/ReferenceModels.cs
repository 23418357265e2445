using RL.MuJoCo;

namespace RL.Envs.Locomotion.Tests;

/// <summary>Gymnasium's model files (tests/data/gym-mujoco, copied next to the test assembly) paired with ours.</summary>
public static class ReferenceModels
{
    public static readonly string[] Files = { LocomotionModels.Hopper, LocomotionModels.Walker2d, LocomotionModels.HalfCheetah };

    public static MjModel Reference(string file) =>
        MjModel.FromFile(Path.Combine(TestContext.CurrentContext.TestDirectory, "data", "gym-mujoco", file));

    /// <summary>A fresh compile of our embedded file (not the shared instance, so a test may dispose it).</summary>
    public static MjModel Ours(string file) => MjModel.FromXml(LocomotionModels.Xml(file), file);
}
