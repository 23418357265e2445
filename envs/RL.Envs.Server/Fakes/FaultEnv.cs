using System.Globalization;
using RL.Envs.Random;
using RL.Envs.Spaces;

namespace RL.Envs.Server.Fakes;

/// <summary>
/// A fake simulator with fault flags (reliability.md §3, after RLlib's FaultInjectEnv and CartPoleCrashing): it
/// can crash its server process, hang, sleep, burn CPU like a physics step, and emit NaN/∞ or simulator errors,
/// deterministically. Its observation starts with a 48-bit episode tag and the step count, so tests can tell
/// exactly which episode a stored transition came from; the rest depends on the seed and on the actions, so
/// served and in-process runs can be compared bit for bit.
/// </summary>
public sealed class FaultEnv : IEnv
{
    private readonly FaultEnvSettings _s;
    private readonly float[] _action;
    private readonly double[] _terms = new double[2];
    private readonly bool _faulty;
    private Xoshiro256 _rng = new(0);
    private Xoshiro256 _faultRng;
    private float _tagHi, _tagLo;
    private double _state;
    private int _step = -1;
    private long _totalSteps;

    /// <summary>Sink for the busy-work loop, so the JIT cannot drop it.</summary>
    public static double WorkSink;

    public FaultEnv(FaultEnvSettings settings, int serverSlot)
    {
        _s = settings;
        _faulty = settings.FailSlots is null || settings.FailSlots.Contains(serverSlot);
        _faultRng = new Xoshiro256(settings.FaultSeed);
        _action = new float[settings.ActionSize];
        int obs = settings.ObservationSize, act = settings.ActionSize;
        Spec = new EnvSpec
        {
            Id = "Fault",
            ObservationSpace = Box.Unbounded(obs),
            ActionSpace = Box.Uniform(act, 0, 1),
            ObservationNames = Enumerable.Range(0, obs).Select(i => i switch { 0 => "episode_tag_hi", 1 => "episode_tag_lo", 2 => "step", _ => $"x{i}" }).ToArray(),
            ActionNames = Enumerable.Range(0, act).Select(i => $"a{i}").ToArray(),
            // Mirror maps that exercise the wire format: swap the two halves of the action; swap x3 and x4 and negate x5.
            ActionMirror = act % 2 == 0 ? MirrorMap.FromSwaps(act, Enumerable.Range(0, act / 2).Select(i => (i, i + act / 2))) : null,
            ObservationMirror = obs >= 6 ? MirrorMap.FromSwaps(obs, new[] { (3, 4) }, new[] { 5 }) : null,
            MaxEpisodeSteps = settings.MaxSteps,
            RewardTermNames = new[] { "action_term", "noise_term" },
            Simulator = "fault-injection",
            SimulatorVersion = "1",
            Options = settings.Effective,
        };
        if (_faulty && settings.HangInInit) Hang();
    }

    public EnvSpec Spec { get; }
    public ReadOnlySpan<double> RewardTerms => _terms;

    public void Reset(long? seed, Span<float> observation)
    {
        if (seed is long s) _rng = new Xoshiro256((ulong)s);
        _tagHi = _rng.NextInt(1 << 24);
        _tagLo = _rng.NextInt(1 << 24);
        _state = _rng.Uniform(-1, 1);
        _step = 0;
        Observe(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_step < 0) throw new InvalidOperationException("Fault env: Step before Reset, or after the episode ended.");
        int clipped = ActionGuard.ValidateAndClip(action, Spec.ActionSpace, _action, Spec.Id);
        _totalSteps++;
        if (_faulty) InjectProcessFaults();
        if (_s.Work > 0) BurnCpu(_s.Work);
        if (_s.DelayMs > 0) Thread.Sleep(TimeSpan.FromMilliseconds(_s.DelayMs));

        double sum = 0;
        for (int i = 0; i < _action.Length; i++) sum += _action[i] * (i + 1);
        double noise = _rng.Uniform(-0.5, 0.5);
        _state = 0.9 * _state + 0.1 * sum / _action.Length + noise * 0.01;
        _terms[0] = 0.01 * sum;
        _terms[1] = noise;
        double reward = _terms[0] + _terms[1];
        _step++;
        Observe(observation);

        bool terminated = _s.TerminateProb > 0 && _rng.NextDouble() < _s.TerminateProb;
        bool truncated = !terminated && _s.MaxSteps > 0 && _step >= _s.MaxSteps;
        EndReason reason = terminated ? EndReason.Terminated : truncated ? EndReason.TimeLimit : EndReason.None;
        if (_faulty)
        {
            if (_s.NanObsProb > 0 && _faultRng.NextDouble() < _s.NanObsProb) observation[3 % observation.Length] = float.NaN;
            if (_s.InfRewardProb > 0 && _faultRng.NextDouble() < _s.InfRewardProb) reward = double.PositiveInfinity;
            if (!terminated && _s.SimErrorProb > 0 && _faultRng.NextDouble() < _s.SimErrorProb)
            {
                truncated = true;
                reason = EndReason.SimError;
            }
        }
        if (terminated || truncated) _step = -1;
        return new StepOutcome(reward, 0.5 * reward, terminated, truncated, reason, clipped);
    }

    private void InjectProcessFaults()
    {
        if (_s.CrashAfterSteps > 0 && _totalSteps >= _s.CrashAfterSteps)
            Crash($"crash_after_steps = {_s.CrashAfterSteps} reached");
        if (_s.CrashProb > 0 && _faultRng.NextDouble() < _s.CrashProb)
            Crash($"crash_prob = {_s.CrashProb} drew a crash at step {_totalSteps}");
        if (_s.HangAfterSteps > 0 && _totalSteps >= _s.HangAfterSteps) Hang();
        if (_s.ThrowAfterSteps > 0 && _totalSteps >= _s.ThrowAfterSteps)
            throw new InvalidOperationException($"fault env: throw_after_steps = {_s.ThrowAfterSteps} reached (an env bug, not a process crash).");
    }

    // A crash is the process dying as a native fault would (SIGABRT via FailFast): nothing is cleaned up, the
    // client sees a broken connection. Written to stderr first so the pool can quote it.
    private static void Crash(string why)
    {
        Console.Error.WriteLine($"fault env: {why}; crashing the server process.");
        Console.Error.Flush();
        Environment.FailFast($"fault env: {why}");
    }

    private static void Hang()
    {
        Console.Error.WriteLine("fault env: hanging (hang_after_steps or hang_in_init).");
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>
    /// A dependent chain of multiply-adds (not vectorisable), a stand-in for physics work: 3-5 ns per iteration here.
    /// Compiled fully optimised at once, so its cost is the same in every process from the first call, whatever the
    /// JIT's tiering does (a tier-0 copy of this loop runs ~1.5× slower and would skew in-process/served comparisons).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void BurnCpu(int iterations)
    {
        double x = WorkSink + 1;
        for (int i = 0; i < iterations; i++) x = x * 0.999999 + 1e-7;
        WorkSink = x;
    }

    private void Observe(Span<float> observation)
    {
        observation[0] = _tagHi;
        if (observation.Length > 1) observation[1] = _tagLo;
        if (observation.Length > 2) observation[2] = _step;
        for (int i = 3; i < observation.Length; i++) observation[i] = (float)(_state * (i - 2) + 0.001 * _rng.NextDouble());
    }

    public void Dispose() { }
}

/// <summary>The fault env's options, read from <see cref="EnvOptions"/> (so typos are errors naming the key).</summary>
public sealed record FaultEnvSettings
{
    public int ObservationSize { get; init; } = 41;
    public int ActionSize { get; init; } = 18;
    public int MaxSteps { get; init; } = 1000;
    public double TerminateProb { get; init; }
    public int Work { get; init; }
    public double DelayMs { get; init; }
    public long CrashAfterSteps { get; init; }
    public double CrashProb { get; init; }
    public long HangAfterSteps { get; init; }
    public long ThrowAfterSteps { get; init; }
    public bool HangInInit { get; init; }
    public double NanObsProb { get; init; }
    public double InfRewardProb { get; init; }
    public double SimErrorProb { get; init; }
    public HashSet<int>? FailSlots { get; init; }
    public ulong FaultSeed { get; init; }
    public IReadOnlyDictionary<string, string> Effective { get; init; } = new Dictionary<string, string>();

    public static FaultEnvSettings Read(EnvOptions o)
    {
        string slots = o.GetString("fail_slots", "all");
        var s = new FaultEnvSettings
        {
            ObservationSize = o.GetInt("obs_size", 41, 1, 4096),
            ActionSize = o.GetInt("action_size", 18, 1, 1024),
            MaxSteps = o.GetInt("max_steps", 1000, 0, int.MaxValue),
            TerminateProb = o.GetDouble("terminate_prob", 0, 0, 1),
            Work = o.GetInt("work", 0, 0, 1_000_000_000),
            DelayMs = o.GetDouble("delay_ms", 0, 0, 3_600_000),
            CrashAfterSteps = o.GetInt("crash_after_steps", 0, 0, int.MaxValue),
            CrashProb = o.GetDouble("crash_prob", 0, 0, 1),
            HangAfterSteps = o.GetInt("hang_after_steps", 0, 0, int.MaxValue),
            HangInInit = o.GetBool("hang_in_init", false),
            ThrowAfterSteps = o.GetInt("throw_after_steps", 0, 0, int.MaxValue),
            NanObsProb = o.GetDouble("nan_obs_prob", 0, 0, 1),
            InfRewardProb = o.GetDouble("inf_reward_prob", 0, 0, 1),
            SimErrorProb = o.GetDouble("sim_error_prob", 0, 0, 1),
            FaultSeed = (ulong)o.GetInt("fault_seed", 1, 0, int.MaxValue),
            FailSlots = slots == "all" ? null : ParseSlots(slots),
        };
        return s with { Effective = new Dictionary<string, string>(o.Effective) };
    }

    private static HashSet<int> ParseSlots(string text)
    {
        var set = new HashSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int slot) || slot < 0)
                throw new ArgumentException($"option 'fail_slots' = '{text}': '{part}' is not a server slot number (write e.g. 0,2 or all).");
            set.Add(slot);
        }
        return set;
    }
}
