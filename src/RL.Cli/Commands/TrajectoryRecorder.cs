using RL.Algorithms.Training;
using RL.Analysis.Render;
using RL.Envs;
using RL.Envs.LearningToRun;
using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Simulation;
using RL.Envs.Wrappers;

namespace RL.Cli.Commands;

/// <summary>
/// Runs one episode of a policy on a Learning-to-Run env in this process and records what `rl render` draws
/// (<see cref="Trajectory"/>): the compiled model's kinematic tree, the episode's obstacles as the simulator collides with
/// them, and after reset and after each decision the simulated time, the 13 coordinates (qpos), the 18 muscle
/// activation states, the 2017 score so far and the observed body positions. The env is the registry's, with the
/// run's wrappers (frame skip, shaping), so the episode is the one `rl eval` runs; the recorder reads the simulator
/// under them, which an env server would not hand out.
/// </summary>
public static class TrajectoryRecorder
{
    /// <summary>The observation's body positions (docs/environment.md, indices 22–35) and the model bodies they are.</summary>
    private static readonly (string Body, string X, string Y)[] ObservedBodies =
    {
        ("head", "head_x", "head_y"), ("pelvis", "pelvis_body_x", "pelvis_body_y"), ("torso", "torso_x", "torso_y"),
        ("toes_l", "toes_l_x", "toes_l_y"), ("toes_r", "toes_r_x", "toes_r_y"), ("talus_l", "talus_l_x", "talus_l_y"), ("talus_r", "talus_r_x", "talus_r_y"),
    };

    /// <summary>The Learning-to-Run env under an env's wrappers, or null when there is none.</summary>
    public static LearningToRunEnv? FindLearningToRun(IEnv env) => env switch
    {
        LearningToRunEnv l2r => l2r,
        FrameSkip f => FindLearningToRun(f.Inner),
        RewardShaping s => FindLearningToRun(s.Inner),
        ReplayableEnv r => FindLearningToRun(r.Inner),
        EpisodeSeeding e => FindLearningToRun(e.Inner),
        _ => null,
    };

    /// <summary>
    /// Records one episode from <paramref name="seed"/>, at most <paramref name="maxDecisions"/> decisions when given.
    /// <paramref name="header"/> supplies run, checkpoint and options; the recorder fills in the rest.
    /// </summary>
    public static Trajectory Record(IEnv env, IPolicy policy, long seed, int? maxDecisions, Trajectory header)
    {
        var l2r = FindLearningToRun(env) ?? throw new ArgumentException($"rl render draws Learning to Run ({LearningToRunSpec.Id}); env {env.Spec.Id} is not it.");
        var spec = env.Spec;
        var observedIndex = ObservedBodies.SelectMany(b => new[] { l2r.Spec.ObservationIndex(b.X), l2r.Spec.ObservationIndex(b.Y) }).ToArray();
        var observation = new float[spec.ObservationSize];
        var action = new float[spec.ActionSize];
        var state = new double[FaithfulSimulator.StateSize];
        var steps = new List<TrajectoryStep>();
        double score = 0;

        TrajectoryStep Capture()
        {
            l2r.Simulator.GetState(state);
            var obs = l2r.ObservationDouble;
            var observed = new double[observedIndex.Length];
            for (int i = 0; i < observed.Length; i++) observed[i] = obs[observedIndex[i]];
            // Simulated time is a sum of 1 ms substeps: rounded to the microsecond so 0.04 reads as 0.04.
            return new TrajectoryStep(Math.Round(l2r.Simulator.Time, 6), state.AsSpan(0, Skeleton.Dofs).ToArray(),
                l2r.Simulator.Muscles.Activation.ToArray(), score, observed);
        }

        env.Reset(seed, observation);
        steps.Add(Capture());
        string end;
        for (int decisions = 0; ; )
        {
            if (maxDecisions is int max && decisions >= max)
            {
                end = "max_steps";
                break;
            }
            policy.Act(observation, action);
            var outcome = env.Step(action, observation);
            decisions++;
            // A simulator fault leaves no state worth drawing (MuJoCo reset it, or it is not finite): the last good one stays last.
            if (outcome.Reason == EndReason.SimError)
            {
                end = outcome.Reason.Name();
                break;
            }
            score += outcome.ScoreReward;
            steps.Add(Capture());
            if (outcome.Done)
            {
                end = outcome.Reason.Name();
                break;
            }
        }

        var obstacles = l2r.ObstacleBodies[..l2r.Course.Obstacles.Length].ToArray();
        return header with
        {
            Env = spec.Id,
            Seed = seed,
            End = end,
            MuscleValues = Trajectory.Activation,
            Model = Model(l2r.Simulator.Kinematics),
            // The spheres the simulator collides with (obstacle_radius legacy makes them all 0.1 m, whatever the course says).
            Obstacles = obstacles.Select(o => new ObstacleCircle(o.X, o.Y, o.Radius)).ToList(),
            Steps = steps,
        };
    }

    /// <summary>The drawing model: the compiled tree, and each muscle through its fixed and moving path points.</summary>
    private static SkeletonModel Model(KinematicTree tree) => new(
        "gait9dof18musc",
        tree.Coordinates,
        tree.Bodies.Select(b => new ModelBody(b.Name, b.Parent, b.X, b.Y, b.Angle)).ToList(),
        tree.Joints.Select(j => new ModelJoint(j.Name, j.Body, j.Hinge ? ModelJoint.Hinge : ModelJoint.Slide, j.Coordinate, j.AxisX, j.AxisY, j.Sign, j.AnchorX, j.AnchorY)).ToList(),
        tree.Spheres.Select(s => new ModelSphere(s.Name, s.Body, s.X, s.Y, s.Radius)).ToList(),
        Gait9dof18musc.Muscles.Select(m => new ModelMuscle(m.Name, m.Path
            // Approximate lines: conditional via points (which wrap a muscle around a joint only in part of its range)
            // are left out, and the patella's moving points sit where they are at a straight knee.
            .Where(p => p.Kind != PathPointKind.Conditional)
            .Select(p => p.Kind == PathPointKind.Moving
                ? new ModelPoint(p.Body, p.SplineX!.Value(0), p.SplineY!.Value(0))
                : new ModelPoint(p.Body, p.X, p.Y))
            .ToList())).ToList(),
        ObservedBodies.Select(b => b.Body).ToList());
}
