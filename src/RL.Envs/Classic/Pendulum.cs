using RL.Envs.Random;
using RL.Envs.Spaces;

namespace RL.Envs.Classic;

/// <summary>
/// The classic inverted pendulum swing-up (Gymnasium Pendulum-v1: g = 10, m = l = 1, dt = 0.05, torque in
/// [−2, 2], speed clipped to ±8, 200 steps). A small continuous-control task for learning tests and smoke
/// runs; its numbers follow gymnasium/envs/classic_control/pendulum.py.
/// </summary>
public sealed class Pendulum : IEnv
{
    private const double MaxSpeed = 8, MaxTorque = 2, Dt = 0.05, G = 10, M = 1, L = 1;
    private readonly float[] _action = new float[1];
    private Xoshiro256 _rng = new(0);
    private double _theta, _thetaDot;
    private int _steps = -1;

    public EnvSpec Spec { get; } = new()
    {
        Id = "Pendulum",
        ObservationSpace = new Box(new[] { -1f, -1f, -8f }, new[] { 1f, 1f, 8f }),
        ActionSpace = new Box(new[] { -2f }, new[] { 2f }),
        ObservationNames = new[] { "cos_theta", "sin_theta", "theta_dot" },
        ActionNames = new[] { "torque" },
        MaxEpisodeSteps = 200,
        Simulator = "analytic",
    };

    public void Reset(long? seed, Span<float> observation)
    {
        if (seed is long s) _rng = new Xoshiro256((ulong)s);
        _theta = _rng.Uniform(-Math.PI, Math.PI);
        _thetaDot = _rng.Uniform(-1, 1);
        _steps = 0;
        Observe(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_steps < 0) throw new InvalidOperationException("Pendulum: Step before Reset, or after the episode ended.");
        int clipped = ActionGuard.ValidateAndClip(action, Spec.ActionSpace, _action, Spec.Id);
        double u = _action[0];
        double angle = ((_theta + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
        double cost = angle * angle + 0.1 * _thetaDot * _thetaDot + 0.001 * u * u;
        _thetaDot = Math.Clamp(_thetaDot + (3 * G / (2 * L) * Math.Sin(_theta) + 3.0 / (M * L * L) * u) * Dt, -MaxSpeed, MaxSpeed);
        _theta += _thetaDot * Dt;
        _steps++;
        Observe(observation);
        bool truncated = _steps >= Spec.MaxEpisodeSteps;
        if (truncated) _steps = -1;
        return new StepOutcome(-cost, -cost, false, truncated, truncated ? EndReason.TimeLimit : EndReason.None, clipped);
    }

    private void Observe(Span<float> observation)
    {
        if (observation.Length != 3) throw new ArgumentException($"Pendulum: observation buffer has {observation.Length} values, needs 3.");
        observation[0] = (float)Math.Cos(_theta);
        observation[1] = (float)Math.Sin(_theta);
        observation[2] = (float)_thetaDot;
    }

    public void Dispose() { }
}
