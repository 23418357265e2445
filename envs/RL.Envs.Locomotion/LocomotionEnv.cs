using RL.Envs.Random;
using RL.Envs.Spaces;
using RL.MuJoCo;

namespace RL.Envs.Locomotion;

/// <summary>
/// What Gymnasium's v4 planar locomotion tasks share (gymnasium/envs/mujoco/mujoco_env.py and hopper_v4.py,
/// walker2d_v4.py, half_cheetah_v4.py), on the project's MuJoCo binding:
/// <list type="bullet">
/// <item>a step holds the action in ctrl for <c>frameSkip</c> mj_step calls (do_simulation); dt = timestep · frameSkip;</item>
/// <item>reward = forward_weight · ẋ + healthy_reward − ctrl_weight · Σa², ẋ = (qpos[0] after − before) / dt; each
/// term is reported as a signed contribution (<see cref="RewardTerms"/>), so the terms sum to the reward;</item>
/// <item>observation = qpos[1:] then qvel (clipped to ±<c>velocityClip</c> where the task clips), in double, written as float;</item>
/// <item><c>terminated</c> when the state after the step is unhealthy (tasks that have a healthy test),
/// <c>truncated</c> at 1000 steps (Gymnasium's TimeLimit from the registry's max_episode_steps) unless terminated;</item>
/// <item>reset = mj_resetData, then qpos0 and zero velocities plus the task's noise drawn from the env's own seeded
/// stream (reset_model), then mj_forward (set_state).</item>
/// </list>
/// Two deliberate differences from Gymnasium, both the framework's contract for every env: an action outside
/// [−1, 1] is clipped before use and counted (Gymnasium leaves the clamp to MuJoCo's ctrlrange but charges the
/// control cost on the unclipped action), and a simulator fault (a MuJoCo warning, which means MuJoCo reset the
/// state by itself, or a non-finite state) ends the episode as a truncation with reason sim_error, reward 0 and
/// the last good observation, as Learning to Run does.
/// Not thread-safe; envs on different threads are independent (they share only the read-only model).
/// </summary>
public abstract unsafe class LocomotionEnv : IEnv
{
    /// <summary>max_episode_steps of all three tasks in Gymnasium's registry (gymnasium/envs/__init__.py).</summary>
    public const int TimeLimit = 1000;

    private readonly MjModel _model;
    private readonly MjData _data;
    private readonly int _nq, _nv, _nu;
    private readonly double _velocityClip;
    private readonly double[] _obs;
    private readonly float[] _action;
    private readonly double[] _terms;
    private Xoshiro256 _rng = new(0);
    private int _steps;
    private bool _running;
    private bool _disposed;

    /// <param name="task">Its id, model, joint names in qpos order, weights and the rest of the v4 table.</param>
    /// <param name="effectiveOptions">The options it was built with, after defaults, for the spec.</param>
    protected LocomotionEnv(LocomotionTask task, IReadOnlyDictionary<string, string>? effectiveOptions)
    {
        Task = task;
        _model = LocomotionModels.Shared(task.ModelFile);
        CheckLayout(_model, task);
        _nq = _model.Nq;
        _nv = _model.Nv;
        _nu = _model.Nu;
        _velocityClip = task.VelocityClip;
        _data = new MjData(_model);
        Dt = _model.Timestep * task.FrameSkip;
        _obs = new double[_nq - 1 + _nv];
        _action = new float[_nu];
        _terms = new double[task.HealthyReward > 0 ? 3 : 2];
        Spec = new EnvSpec
        {
            Id = task.Id,
            ObservationSpace = Box.Unbounded(_obs.Length),
            ActionSpace = ActionBox(_model),
            ObservationNames = task.Joints.Skip(1).Select(j => j + "_pos").Concat(task.Joints.Select(j => j + "_vel")).ToArray(),
            ActionNames = task.Actuators,
            ObservationMirror = task.ObservationMirror,
            ActionMirror = task.ActionMirror,
            MaxEpisodeSteps = TimeLimit,
            RewardTermNames = task.HealthyReward > 0 ? new[] { "forward", "healthy", "ctrl" } : new[] { "forward", "ctrl" },
            Simulator = $"{task.ModelFile} on MuJoCo (Gymnasium {task.Id}-v4 rules, frame skip {task.FrameSkip})",
            SimulatorVersion = $"MuJoCo {MuJoCoRuntime.VersionString}; Gymnasium {task.Id}-v4 rules",
            Options = effectiveOptions ?? new Dictionary<string, string>(),
        };
    }

    public EnvSpec Spec { get; }
    public LocomotionTask Task { get; }

    /// <summary>Seconds of simulated time per env step (Gymnasium's <c>dt</c>): timestep · frame skip.</summary>
    public double Dt { get; }

    public int StepsTaken => _steps;

    /// <summary>The current generalized positions and velocities (a view into mjData; valid until the next call).</summary>
    public ReadOnlySpan<double> Qpos => new(Live()._data.Qpos, _nq);
    public ReadOnlySpan<double> Qvel => new(Live()._data.Qvel, _nv);

    /// <summary>The last observation in double precision (the float buffer is its rounding).</summary>
    public ReadOnlySpan<double> ObservationDouble => _obs;

    /// <summary>The reward terms of the last step, signed, in the order of <see cref="EnvSpec.RewardTermNames"/>.</summary>
    public ReadOnlySpan<double> RewardTerms => _terms;

    public void Reset(long? seed, Span<float> observation)
    {
        Live();
        if (seed is long s) _rng = new Xoshiro256((ulong)s);
        _data.Reset();
        Task.ResetNoise.Apply(_rng, _data.Qpos, _nq, _data.Qvel, _nv);
        _data.Forward();
        _steps = 0;
        _running = true;
        Array.Clear(_terms);
        Observe();
        Write(observation);
    }

    /// <summary>
    /// Puts the simulator in a given state within the current episode (Gymnasium's set_state: qpos, qvel, then
    /// mj_forward); the step count is kept. For tests and analyses that start from a chosen state.
    /// </summary>
    public void SetState(ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel, Span<float> observation)
    {
        Live();
        if (!_running) throw new InvalidOperationException($"{Task.Id}: SetState needs a running episode; call Reset first.");
        if (qpos.Length != _nq || qvel.Length != _nv)
            throw new ArgumentException($"{Task.Id}: SetState needs {_nq} positions and {_nv} velocities, got {qpos.Length} and {qvel.Length}.");
        qpos.CopyTo(new Span<double>(_data.Qpos, _nq));
        qvel.CopyTo(new Span<double>(_data.Qvel, _nv));
        _data.Forward();
        Observe();
        Write(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        Live();
        if (!_running)
            throw new InvalidOperationException(_steps == 0
                ? $"{Task.Id}: Step before Reset."
                : $"{Task.Id}: Step after the episode ended (at step {_steps}); call Reset first.");
        int clipped = ActionGuard.ValidateAndClip(action, Spec.ActionSpace, _action, Task.Id);
        double x0 = _data.Qpos[0];
        double ctrlSquared = 0;
        for (int i = 0; i < _nu; i++)
        {
            double a = _action[i];
            _data.Ctrl[i] = a;
            ctrlSquared += a * a;
        }
        long warnings = _data.TotalWarnings;
        bool fault = false;
        try
        {
            for (int k = 0; k < Task.FrameSkip; k++) _data.Step();
        }
        catch (MuJoCoException)
        {
            fault = true;
        }
        _steps++;
        if (fault || _data.TotalWarnings != warnings || !Finite())
        {
            // MuJoCo reset the state by itself or it is not finite (mujoco-notes.md pitfall 3): nothing after this
            // is the robot's motion, so the episode ends as a truncation on the last good observation (reliability.md R8).
            _running = false;
            Array.Clear(_terms);
            Write(observation);
            return new StepOutcome(0, 0, false, true, EndReason.SimError, clipped);
        }
        double forward = Task.ForwardWeight * (_data.Qpos[0] - x0) / Dt;
        double ctrl = -Task.CtrlWeight * ctrlSquared;
        bool healthy = IsHealthy(_data.Qpos, _data.Qvel);
        // hopper_v4.py / walker2d_v4.py: healthy_reward = float(is_healthy or terminate_when_unhealthy) · 1, and
        // terminate_when_unhealthy is true, so the step that falls still earns it.
        _terms[0] = forward;
        if (Task.HealthyReward > 0)
        {
            _terms[1] = Task.HealthyReward;
            _terms[2] = ctrl;
        }
        else _terms[1] = ctrl;
        double reward = forward + Task.HealthyReward + ctrl;
        Observe();
        Write(observation);
        bool terminated = !healthy;
        bool truncated = !terminated && _steps >= TimeLimit;
        if (terminated || truncated) _running = false;
        return new StepOutcome(reward, reward, terminated, truncated,
            terminated ? EndReason.Terminated : truncated ? EndReason.TimeLimit : EndReason.None, clipped);
    }

    /// <summary>The task's healthy test on the state after the step (is_healthy); true for a task that never terminates.</summary>
    protected abstract bool IsHealthy(double* qpos, double* qvel);

    private void Observe()
    {
        double* q = _data.Qpos;
        double* v = _data.Qvel;
        // exclude_current_positions_from_observation=True: x is dropped, so the policy cannot see where it is.
        for (int i = 1; i < _nq; i++) _obs[i - 1] = q[i];
        for (int i = 0; i < _nv; i++) _obs[_nq - 1 + i] = Math.Clamp(v[i], -_velocityClip, _velocityClip);
    }

    private bool Finite()
    {
        for (int i = 0; i < _nq; i++) if (!double.IsFinite(_data.Qpos[i])) return false;
        for (int i = 0; i < _nv; i++) if (!double.IsFinite(_data.Qvel[i])) return false;
        return true;
    }

    private void Write(Span<float> observation)
    {
        if (observation.Length != _obs.Length)
            throw new ArgumentException($"{Task.Id}: observation buffer has {observation.Length} values, needs {_obs.Length}.");
        for (int i = 0; i < _obs.Length; i++) observation[i] = (float)_obs[i];
    }

    private static Box ActionBox(MjModel model)
    {
        double* range = model.Doubles("actuator_ctrlrange");
        var low = new float[model.Nu];
        var high = new float[model.Nu];
        for (int i = 0; i < model.Nu; i++)
        {
            low[i] = (float)range[2 * i];
            high[i] = (float)range[2 * i + 1];
        }
        return new Box(low, high);
    }

    // The observation names and the mirror maps are written against joint and actuator order; a model edit that
    // reorders them must fail here, not silently permute the observation.
    private static void CheckLayout(MjModel model, LocomotionTask task)
    {
        if (model.Njnt != task.Joints.Length || model.Nq != model.Njnt || model.Nv != model.Njnt || model.Nu != task.Actuators.Length)
            throw new InvalidOperationException($"{task.ModelFile}: expected {task.Joints.Length} single-dof joints and {task.Actuators.Length} actuators, " +
                                                $"found njnt {model.Njnt}, nq {model.Nq}, nv {model.Nv}, nu {model.Nu}.");
        int* qposadr = model.Ints("jnt_qposadr");
        for (int i = 0; i < task.Joints.Length; i++)
            if (model.Id(MjObject.Joint, task.Joints[i]) != i || qposadr[i] != i)
                throw new InvalidOperationException($"{task.ModelFile}: joint '{task.Joints[i]}' is not joint {i} at qpos[{i}].");
        int* trnid = model.Ints("actuator_trnid");
        for (int i = 0; i < task.Actuators.Length; i++)
            if (trnid[2 * i] != model.Id(MjObject.Joint, task.Actuators[i]))
                throw new InvalidOperationException($"{task.ModelFile}: actuator {i} does not drive joint '{task.Actuators[i]}'.");
    }

    private LocomotionEnv Live() => _disposed ? throw new ObjectDisposedException(GetType().Name, $"{Task.Id}: this env was disposed; its simulator memory is freed.") : this;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}
