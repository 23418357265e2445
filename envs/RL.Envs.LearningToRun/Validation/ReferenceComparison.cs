namespace RL.Envs.LearningToRun.Validation;

/// <summary>How far our env is from a reference trajectory (all maxima over the compared window).</summary>
public sealed record ComparisonReport(
    int ComparedSteps, double ResetObservationError,
    double JointAngleError, int JointAngleErrorStep,
    double BodyPositionError, int BodyPositionErrorStep,
    double TendonForceError, double TendonForceRelativeError,
    int? OurEndStep, int? ReferenceEndStep)
{
    public string Describe() =>
        $"over the first {ComparedSteps} steps: joint angles within {JointAngleError:E2} rad (worst at step {JointAngleErrorStep}), " +
        $"body positions within {BodyPositionError * 1000:F2} mm (worst at step {BodyPositionErrorStep}), " +
        $"tendon forces within {TendonForceError:F1} N ({TendonForceRelativeError:P1} of the larger); reset observation within {ResetObservationError:E1}; " +
        $"episode ended at step {OurEndStep?.ToString() ?? "none"} vs {ReferenceEndStep?.ToString() ?? "none"} in OpenSim";
}

/// <summary>
/// Replays a reference trajectory's actions in our env from the same reset and measures the deviation. Joint
/// angles are the observation's pelvis tilt and six joint angles; body positions are pelvis, centre of mass and
/// the seven bodies of obs[22..35].
/// </summary>
public static class ReferenceComparison
{
    public static readonly int[] AngleIndices = { 0, 6, 7, 8, 9, 10, 11 };
    public static readonly int[] PositionIndices = { 1, 2, 18, 19, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35 };

    public static ComparisonReport Compare(ReferenceTrajectory reference, int window, LearningToRunOptions? baseOptions = null,
        Action<int, LearningToRunEnv, ReferenceStep>? onStep = null)
    {
        var options = (baseOptions ?? new LearningToRunOptions()) with { Difficulty = reference.Difficulty, MaxObstacles = reference.MaxObstacles };
        using var env = new LearningToRunEnv(options);
        var obs = new float[LearningToRunSpec.ObservationSize];
        env.Reset(reference.Seed ?? 0, obs);
        double resetError = 0;
        for (int i = 0; i < reference.ResetObservation.Length; i++)
            resetError = Math.Max(resetError, Math.Abs(env.ObservationDouble[i] - reference.ResetObservation[i]));

        double angle = 0, position = 0, force = 0, relative = 0;
        int angleStep = 0, positionStep = 0, compared = 0;
        int? ourEnd = null;
        var action = new float[LearningToRunSpec.ActionSize];
        foreach (var step in reference.Steps)
        {
            for (int i = 0; i < action.Length; i++) action[i] = (float)step.Action[i];
            var outcome = env.Step(action, obs);
            var o = env.ObservationDouble;
            if (step.Step <= window)
            {
                compared = step.Step;
                foreach (int i in AngleIndices)
                {
                    double d = Math.Abs(o[i] - step.Observation[i]);
                    if (d > angle) (angle, angleStep) = (d, step.Step);
                }
                foreach (int i in PositionIndices)
                {
                    double d = Math.Abs(o[i] - step.Observation[i]);
                    if (d > position) (position, positionStep) = (d, step.Step);
                }
                for (int m = 0; m < step.TendonForce.Length; m++)
                {
                    double ours = env.Simulator.Muscles.TendonForce(m), theirs = step.TendonForce[m];
                    double d = Math.Abs(ours - theirs);
                    force = Math.Max(force, d);
                    double scale = Math.Max(Math.Abs(ours), Math.Abs(theirs));
                    if (scale > 50) relative = Math.Max(relative, d / scale);
                }
            }
            onStep?.Invoke(step.Step, env, step);
            if (outcome.Done)
            {
                ourEnd = env.StepsTaken;
                break;
            }
        }
        // If the reference stopped first, go on with its last action to find where our episode ends.
        while (ourEnd is null && env.StepsTaken < LearningToRunOptions.TimestepLimit)
            if (env.Step(action, obs).Done) ourEnd = env.StepsTaken;
        return new ComparisonReport(compared, resetError, angle, angleStep, position, positionStep, force, relative, ourEnd, reference.EndStep);
    }
}
