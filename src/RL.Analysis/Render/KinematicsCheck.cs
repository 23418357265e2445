using System.Globalization;

namespace RL.Analysis.Render;

/// <summary>
/// Checks a trajectory's drawing against what the env observed: the body positions that forward kinematics computes
/// from the recorded coordinates and the model's segments must be the positions the observation reported for the same
/// step (head, pelvis, torso, toes, tali in Learning to Run). A model in the file that is not the simulator's, or
/// coordinates in another order, shows up here as centimetres instead of a plausible but wrong picture.
/// </summary>
public static class KinematicsCheck
{
    /// <summary>Deviation above which the drawing is refused (m): the observation is float32, well below 0.1 mm at 100 m.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>The largest distance between a drawn and an observed body position, with its step and body (NaN when nothing is observed).</summary>
    public static (double Distance, int Step, string Body) Largest(Trajectory trajectory, PlanarKinematics kinematics)
    {
        var observed = trajectory.Model.ObservedBodies;
        var index = observed.Select(kinematics.BodyIndex).ToArray();
        (double Distance, int Step, string Body) worst = (double.NaN, -1, "");
        for (int k = 0; k < trajectory.Steps.Count; k++)
        {
            var step = trajectory.Steps[k];
            var poses = kinematics.Solve(step.Q);
            for (int i = 0; i < observed.Count; i++)
            {
                double d = poses[index[i]].Origin.DistanceTo(new Point2(step.Observed[2 * i], step.Observed[2 * i + 1]));
                if (!(d <= worst.Distance)) worst = (d, k, observed[i]);
            }
        }
        return worst;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming the step and body when the drawing misses the observation by more than <see cref="Tolerance"/>.</summary>
    public static double Verify(Trajectory trajectory, PlanarKinematics kinematics, string source)
    {
        var (distance, step, body) = Largest(trajectory, kinematics);
        if (distance > Tolerance)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: the model's kinematics put {body} {distance * 1000:F1} mm from where the env observed it at step {step}; the file's model and coordinates do not fit together."));
        return distance;
    }
}
