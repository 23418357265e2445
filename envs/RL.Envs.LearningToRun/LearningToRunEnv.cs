using RL.Envs.LearningToRun.Contact;
using RL.Envs.LearningToRun.Course;
using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Simulation;
using RL.Envs.Spaces;

namespace RL.Envs.LearningToRun;

/// <summary>
/// The NIPS 2017 Learning-to-Run environment, osim-rl v1.5 RunEnv semantics (l2r-environment.md §3) on the
/// faithful MuJoCo rebuild of gait9dof18musc:
/// <list type="bullet">
/// <item>action: 18 excitations; NaN/∞ or a wrong count is an error naming the element; values outside [0, 1] are clipped and counted;</item>
/// <item>step: 0.01 s with the action held; reward Δ pelvis_x − 1e-7·‖ligament forces‖ (the 2017 score);</item>
/// <item>terminated when pelvis_y &lt; 0.65 m; truncated at 1000 steps; a simulator fault ends the episode as a
/// truncation with reason <see cref="EndReason.SimError"/> (reward 0, observation of the last good state);</item>
/// <item>reset(seed) re-seeds a numpy-legacy MT19937 and draws the 2017 course and strengths; reset(null)
/// continues the stream, as osim-rl did without a seed.</item>
/// </list>
/// Not thread-safe; envs on different threads are independent.
/// </summary>
public sealed class LearningToRunEnv : IEnv
{
    private readonly FaithfulSimulator _sim;
    private readonly NumpyRandomState _rng;
    private readonly double[] _obs = new double[LearningToRunSpec.ObservationSize];
    private readonly float[] _clipped = new float[LearningToRunSpec.ActionSize];
    private readonly double[] _excitation = new double[LearningToRunSpec.ActionSize];
    private readonly ObstacleBody[] _slots;
    private CourseLayout _course = new(Array.Empty<Obstacle>(), Enumerable.Repeat(1.0, 18).ToArray());
    private int _steps;
    private bool _running;
    private bool _disposed;

    public LearningToRunEnv(LearningToRunOptions? options = null, uint initialSeed = 0, IReadOnlyDictionary<string, string>? effectiveOptions = null)
    {
        Options = options ?? new LearningToRunOptions();
        Options.Validate();
        _sim = new FaithfulSimulator(Options.Substep, engine: Options.Engine);
        _rng = new NumpyRandomState(initialSeed);
        _slots = new ObstacleBody[Options.MaxObstacles];
        Spec = LearningToRunSpec.Create(effectiveOptions ?? DescribeOptions(Options));
    }

    /// <summary>Builds the env from string options (registry, configs, gRPC); unknown keys are errors.</summary>
    public static LearningToRunEnv Create(EnvOptions options)
    {
        var typed = LearningToRunOptions.From(options);
        return new LearningToRunEnv(typed, 0, new Dictionary<string, string>(options.Effective));
    }

    private static Dictionary<string, string> DescribeOptions(LearningToRunOptions o) => new()
    {
        ["difficulty"] = o.Difficulty.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["max_obstacles"] = o.MaxObstacles.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["psoas_left_index"] = o.LeftPsoasIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["obstacle_radius"] = o.ObstacleRadius == ObstacleRadiusMode.Legacy ? "legacy" : "documented",
        ["substep"] = o.Substep.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ["physics"] = "faithful",
        ["engine"] = o.Engine == RigidBodyEngine.MuJoCo ? "mujoco" : "planar",
    };

    public EnvSpec Spec { get; }
    public LearningToRunOptions Options { get; }
    public FaithfulSimulator Simulator => _sim;

    /// <summary>The current episode's obstacles (sorted) and muscle strength factors.</summary>
    public CourseLayout Course => _course;

    /// <summary>The obstacle spheres the simulator collides with (one per slot; cleared slots at (0, −0.1)).</summary>
    public ReadOnlySpan<ObstacleBody> ObstacleBodies => _slots;

    /// <summary>The last observation in double precision (the float buffer is its rounding).</summary>
    public ReadOnlySpan<double> ObservationDouble => _obs;

    public int StepsTaken => _steps;

    /// <summary>Actions clipped over this env's life.</summary>
    public long TotalClippedActions { get; private set; }

    public void Reset(long? seed, Span<float> observation)
    {
        ThrowIfDisposed();
        if (seed is long s)
        {
            if (s < 0 || s > uint.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(seed), s, "L2R: seeds must be in [0, 2^32 − 1], like numpy's legacy np.random.seed.");
            _rng.Seed((uint)s);
        }
        _course = ObstacleCourse.Generate(_rng, Options.Difficulty, Options.MaxObstacles, Options.LeftPsoasIndex);
        int active = _course.Obstacles.Length;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (i < active)
            {
                var o = _course.Obstacles[i];
                double radius = Options.ObstacleRadius == ObstacleRadiusMode.Legacy ? Gait9dof18musc.LegacyObstacleRadius : o.R;
                _slots[i] = new ObstacleBody { X = o.X, Y = o.Y, Radius = radius, Stiffness = Gait9dof18musc.ObstacleStiffnessOverRadius / radius };
            }
            else
            {
                // A cleared slot: radius 0.0001 at (0, −0.1) as documented, or the frozen radius 0.1 (legacy), whose
                // top touches y = 0 and grazes the toes by 0.08 mm at reset.
                double radius = Options.ObstacleRadius == ObstacleRadiusMode.Legacy ? Gait9dof18musc.LegacyObstacleRadius : Gait9dof18musc.ClearedObstacleRadius;
                _slots[i] = new ObstacleBody
                {
                    X = Gait9dof18musc.ClearedObstacleX, Y = Gait9dof18musc.ClearedObstacleY,
                    Radius = radius, Stiffness = Gait9dof18musc.ObstacleStiffnessOverRadius / radius,
                };
            }
        }
        _sim.Reset(_course.Strength, _slots);
        _steps = 0;
        _running = true;
        Observe();
        Write(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ThrowIfDisposed();
        if (!_running)
            throw new InvalidOperationException(_steps == 0
                ? "L2R: Step before Reset."
                : $"L2R: Step after the episode ended (at step {_steps}); call Reset first.");
        int clipped = ActionGuard.ValidateAndClip(action, Spec.ActionSpace, _clipped, Spec.Id);
        TotalClippedActions += clipped;
        for (int i = 0; i < _excitation.Length; i++) _excitation[i] = _clipped[i];
        double x0 = _obs[1];
        var fault = _sim.Step(_excitation, Options.SubstepsPerStep);
        _steps++;
        if (fault != SimulationFault.None)
        {
            // The state is gone (MuJoCo reset it, or it is not finite): end the episode as a truncation and hand
            // back the last good observation, so nobody bootstraps from garbage (reliability.md R8).
            _running = false;
            Write(observation);
            return new StepOutcome(0, 0, false, true, EndReason.SimError, clipped);
        }
        Observe();
        Write(observation);
        double reward = _obs[1] - x0 - 1e-7 * _sim.Ligaments.Norm();
        bool terminated = _obs[2] < LearningToRunOptions.FallHeight;
        bool truncated = !terminated && _steps >= LearningToRunOptions.TimestepLimit;
        if (terminated || truncated) _running = false;
        return new StepOutcome(reward, reward, terminated, truncated,
            terminated ? EndReason.Terminated : truncated ? EndReason.TimeLimit : EndReason.None, clipped);
    }

    private static readonly int[] ObservedJoints = { Skeleton.HipR, Skeleton.KneeR, Skeleton.AnkleR, Skeleton.HipL, Skeleton.KneeL, Skeleton.AnkleL };
    private static readonly int[] ObservedBodies = { Skeleton.Head, Skeleton.Pelvis, Skeleton.Torso, Skeleton.ToesL, Skeleton.ToesR, Skeleton.TalusL, Skeleton.TalusR };

    /// <summary>The 41 values of RunEnv.get_observation for the current state.</summary>
    private unsafe void Observe()
    {
        var s = _sim.Skeleton;
        double* q = s.Qpos;
        double* v = s.Qvel;
        double[] o = _obs;
        o[0] = q[Skeleton.PelvisTilt];
        o[1] = q[Skeleton.PelvisTx];
        o[2] = q[Skeleton.PelvisTy];
        o[3] = v[Skeleton.PelvisTilt];
        o[4] = v[Skeleton.PelvisTx];
        o[5] = v[Skeleton.PelvisTy];
        for (int i = 0; i < 6; i++)
        {
            o[6 + i] = q[ObservedJoints[i]];
            o[12 + i] = v[ObservedJoints[i]];
        }
        // The whole-model centre of mass includes the locked 1e-4 kg obstacle bodies (one per slot).
        s.CenterOfMass(out double cx, out double cy, out double cvx, out double cvy);
        double m = s.TotalMass, mo = Gait9dof18musc.ObstacleMass;
        double sx = m * cx, sy = m * cy, total = m;
        int active = _course.Obstacles.Length;
        for (int i = 0; i < _slots.Length; i++)
        {
            double ox = i < active ? _course.Obstacles[i].X : Gait9dof18musc.ClearedObstacleX;
            double oy = i < active ? _course.Obstacles[i].Y : Gait9dof18musc.ClearedObstacleY;
            sx += mo * ox;
            sy += mo * oy;
            total += mo;
        }
        o[18] = sx / total;
        o[19] = sy / total;
        o[20] = m * cvx / total;
        o[21] = m * cvy / total;
        for (int i = 0; i < ObservedBodies.Length; i++)
        {
            o[22 + 2 * i] = s.X(ObservedBodies[i]);
            o[23 + 2 * i] = s.Y(ObservedBodies[i]);
        }
        o[36] = _course.Strength[Options.LeftPsoasIndex];
        o[37] = _course.Strength[ObstacleCourse.RightPsoas];
        // Next obstacle: the first (sorted) whose x + r is not behind the pelvis x (run.py next_obstacle).
        double px = o[1];
        o[38] = 100;
        o[39] = 0;
        o[40] = 0;
        foreach (var obstacle in _course.Obstacles)
        {
            if (obstacle.X + obstacle.R < px) continue;
            o[38] = obstacle.X - px;
            o[39] = obstacle.Y;
            o[40] = obstacle.R;
            break;
        }
    }

    private void Write(Span<float> observation)
    {
        if (observation.Length != _obs.Length)
            throw new ArgumentException($"L2R: observation buffer has {observation.Length} values, needs {_obs.Length}.");
        for (int i = 0; i < _obs.Length; i++) observation[i] = (float)_obs[i];
    }

    // The simulator caches raw pointers into its mjData (Skeleton), which MjData's own checks cannot reach: a Reset
    // or Step after Dispose must fail here, before any of them is touched (issue 10, part 2: heap corruption when a
    // served batch was stepped after its Close).
    private void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(LearningToRunEnv), "L2R: this env was disposed; its simulator memory is freed.");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _sim.Dispose();
    }
}
