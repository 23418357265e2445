using RL.Envs.Random;

namespace RL.Envs.Locomotion;

/// <summary>
/// The noise reset_model adds to qpos0 and to zero velocities. Hopper and Walker2d (hopper_v4.py, walker2d_v4.py):
/// both uniform in ±scale, scale 5e-3. HalfCheetah (half_cheetah_v4.py): qpos uniform in ±0.1, qvel 0.1 · N(0, 1).
/// Positions are drawn before velocities, as Gymnasium draws them; the generator is the env's own (Xoshiro256,
/// not numpy's), so the same seed gives the same episode here but not Gymnasium's episode.
/// </summary>
public sealed record ResetNoise(double Scale, bool GaussianVelocity)
{
    public static ResetNoise Uniform(double scale) => new(scale, false);
    public static ResetNoise UniformPositionsGaussianVelocities(double scale) => new(scale, true);

    /// <summary>Adds the noise to qpos (which holds qpos0) and qvel (which holds zeros).</summary>
    public unsafe void Apply(Xoshiro256 rng, double* qpos, int nq, double* qvel, int nv)
    {
        for (int i = 0; i < nq; i++) qpos[i] += rng.Uniform(-Scale, Scale);
        for (int i = 0; i < nv; i++) qvel[i] += GaussianVelocity ? Scale * rng.NextGaussian() : rng.Uniform(-Scale, Scale);
    }
}
