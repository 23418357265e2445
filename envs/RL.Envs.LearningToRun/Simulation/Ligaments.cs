using RL.Envs.LearningToRun.Model;

namespace RL.Envs.LearningToRun.Simulation;

/// <summary>
/// The six CoordinateLimitForces of the model (l2r-environment.md §2.10; opensim-core CoordinateLimitForce.cpp):
/// a stiffness that switches on smoothly (Simbody stepUp over 10°) past each limit, plus damping scaled by the
/// same switch. The reward's penalty uses exactly these values (run.py compute_reward calls calcLimitForce).
/// </summary>
public sealed class Ligaments
{
    private static readonly double K = Gait9dof18musc.LigamentStiffnessPerDegree * 180 / Math.PI;
    private static readonly double C = Gait9dof18musc.LigamentDampingPerDegree * 180 / Math.PI;
    private static readonly double W = Gait9dof18musc.LigamentTransitionDegrees * Math.PI / 180;

    private readonly int[] _dof = new int[6];
    private readonly double[] _lower = new double[6], _upper = new double[6];

    /// <summary>The last computed force of each ligament (N·m), in ForceSet order 20–25.</summary>
    public readonly double[] Force = new double[6];

    public Ligaments()
    {
        for (int i = 0; i < 6; i++)
        {
            var spec = Gait9dof18musc.Ligaments[i];
            _dof[i] = Skeleton.Dof(spec.Coordinate);
            _lower[i] = spec.LowerDegrees * Math.PI / 180;
            _upper[i] = spec.UpperDegrees * Math.PI / 180;
        }
    }

    /// <summary>Simbody's stepUp: 0 below 0, 1 above 1, 10x³ − 15x⁴ + 6x⁵ between.</summary>
    public static double StepUp(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x * x * (10 + x * (-15 + 6 * x));

    /// <summary>The limit force on a coordinate at angle <paramref name="q"/> and speed <paramref name="qdot"/>.</summary>
    public static double LimitForce(double q, double qdot, double lower, double upper)
    {
        double kUp = K * StepUp((q - upper) / W);
        double kLow = K * (1 - StepUp((q - lower + W) / W));
        return -kUp * (q - upper) + kLow * (lower - q) - C * (kUp / K + kLow / K) * qdot;
    }

    /// <summary>Computes every ligament's force from the current state and adds it to its coordinate.</summary>
    public unsafe void Apply(Skeleton s)
    {
        Compute(s);
        for (int i = 0; i < 6; i++)
        {
            s.AddGeneralizedForce(_dof[i], Force[i]);
            s.AddDofDamping(_dof[i], DampingSlope(s.Qpos[_dof[i]], _lower[i], _upper[i]));
        }
    }

    /// <summary>∂(limit force)/∂q̇ = −c·(K_up + K_low)/K: the damping switched on past a limit.</summary>
    public static double DampingSlope(double q, double lower, double upper) =>
        -C * (StepUp((q - upper) / W) + 1 - StepUp((q - lower + W) / W));

    public unsafe void Compute(Skeleton s)
    {
        for (int i = 0; i < 6; i++) Force[i] = LimitForce(s.Qpos[_dof[i]], s.Qvel[_dof[i]], _lower[i], _upper[i]);
    }

    /// <summary>‖F_lig‖₂, the norm the 2017 reward penalises with factor 1e-7.</summary>
    public double Norm()
    {
        double sum = 0;
        for (int i = 0; i < 6; i++) sum += Force[i] * Force[i];
        return Math.Sqrt(sum);
    }
}
