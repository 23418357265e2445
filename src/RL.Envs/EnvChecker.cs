using RL.Envs.Random;

namespace RL.Envs;

/// <summary>One check of <see cref="EnvChecker"/>: its name, whether it passed, and what was found.</summary>
public sealed record EnvCheckResult(string Check, bool Passed, string Detail);

/// <summary>
/// Checks that an env keeps the contract (Gymnasium's check_env and SB3's check_env, made strict): spec sizes and
/// names agree, mirror maps are involutions of the right size, reset and step observations have the right size
/// and are finite (and inside the observation space when it is bounded), the same seed and actions reproduce
/// the same trajectory bit for bit, a wrong action length and a NaN are rejected with ArgumentException, and
/// stepping after the episode ended is an InvalidOperationException.
/// </summary>
public static class EnvChecker
{
    public static IReadOnlyList<EnvCheckResult> Check(Func<IEnv> create, long seed = 0, int steps = 200)
    {
        var results = new List<EnvCheckResult>();
        void Add(string check, bool ok, string detail) => results.Add(new EnvCheckResult(check, ok, detail));

        using var env = create();
        var spec = env.Spec;
        int o = spec.ObservationSize, a = spec.ActionSize;
        Add("spec sizes", spec.ObservationNames.Length == o && spec.ActionNames.Length == a && o > 0 && a > 0,
            $"{o} observations ({spec.ObservationNames.Length} names), {a} actions ({spec.ActionNames.Length} names)");
        Add("mirror maps", (spec.ObservationMirror is null || spec.ObservationMirror.Size == o) && (spec.ActionMirror is null || spec.ActionMirror.Size == a),
            spec.ObservationMirror is null ? "none published" : $"observation {spec.ObservationMirror.Size}, action {spec.ActionMirror?.Size}; involutions by construction");

        var first = Rollout(env, seed, steps, out string? problem);
        Add("reset and step", problem is null, problem ?? $"{first.Count} values observed over {Math.Min(steps, first.Count / Math.Max(1, o))} observations, all finite and in bounds");
        var second = Rollout(env, seed, steps, out _);
        bool same = first.Count == second.Count && first.SequenceEqual(second);
        Add("seed determinism", same, same ? $"seed {seed} reproduced {first.Count} values bit for bit" : $"seed {seed} gave a different trajectory the second time");

        var obs = new float[o];
        env.Reset(seed, obs);
        try
        {
            env.Step(new float[a + 1], obs);
            Add("wrong action length", false, $"a {a + 1}-value action was accepted");
        }
        catch (ArgumentException e) { Add("wrong action length", true, e.Message); }
        env.Reset(seed, obs);
        var nan = Midpoint(spec);
        nan[0] = float.NaN;
        try
        {
            env.Step(nan, obs);
            Add("NaN action", false, "an action with NaN was accepted");
        }
        catch (ArgumentException e) { Add("NaN action", true, e.Message); }

        env.Reset(seed, obs);
        var action = Midpoint(spec);
        int n = 0;
        StepOutcome outcome;
        do
        {
            outcome = env.Step(action, obs);
            n++;
        } while (!outcome.Done && (spec.MaxEpisodeSteps == 0 || n <= spec.MaxEpisodeSteps) && n < 100_000);
        if (!outcome.Done)
            Add("step after episode end", true, "skipped: the episode did not end");
        else
        {
            Add("terminated/truncated", !(outcome.Terminated && outcome.Truncated), $"episode ended after {n} steps: terminated={outcome.Terminated}, truncated={outcome.Truncated}, reason {outcome.Reason.Name()}");
            try
            {
                env.Step(action, obs);
                Add("step after episode end", false, "a step after the end was accepted");
            }
            catch (InvalidOperationException e) { Add("step after episode end", true, e.Message); }
        }
        return results;
    }

    /// <summary>Resets with the seed and steps with actions from a generator seeded the same way; returns every observed value.</summary>
    private static List<float> Rollout(IEnv env, long seed, int steps, out string? problem)
    {
        problem = null;
        var spec = env.Spec;
        var values = new List<float>();
        var obs = new float[spec.ObservationSize];
        var action = new float[spec.ActionSize];
        var rng = new Xoshiro256((ulong)seed);
        env.Reset(seed, obs);
        problem ??= Inspect(spec, obs, "reset");
        values.AddRange(obs);
        for (int t = 0; t < steps && problem is null; t++)
        {
            for (int i = 0; i < action.Length; i++)
            {
                float lo = spec.ActionSpace.Low[i], hi = spec.ActionSpace.High[i];
                action[i] = float.IsFinite(lo) && float.IsFinite(hi) ? (float)rng.Uniform(lo, hi) : (float)rng.NextGaussian();
            }
            var outcome = env.Step(action, obs);
            problem ??= Inspect(spec, obs, $"step {t + 1}");
            if (!double.IsFinite(outcome.Reward)) problem ??= $"step {t + 1}: reward {outcome.Reward} is not finite";
            values.AddRange(obs);
            values.Add((float)outcome.Reward);
            if (outcome.Done)
            {
                env.Reset(null, obs);
                problem ??= Inspect(spec, obs, $"reset after step {t + 1}");
                values.AddRange(obs);
            }
        }
        return values;
    }

    private static string? Inspect(EnvSpec spec, ReadOnlySpan<float> obs, string where)
    {
        for (int i = 0; i < obs.Length; i++)
        {
            if (!float.IsFinite(obs[i])) return $"{where}: observation {spec.ObservationNames[i]} = {obs[i]}";
            if (obs[i] < spec.ObservationSpace.Low[i] || obs[i] > spec.ObservationSpace.High[i])
                return $"{where}: observation {spec.ObservationNames[i]} = {obs[i]} is outside [{spec.ObservationSpace.Low[i]}, {spec.ObservationSpace.High[i]}]";
        }
        return null;
    }

    private static float[] Midpoint(EnvSpec spec)
    {
        var action = new float[spec.ActionSize];
        for (int i = 0; i < action.Length; i++)
        {
            float lo = spec.ActionSpace.Low[i], hi = spec.ActionSpace.High[i];
            action[i] = float.IsFinite(lo) && float.IsFinite(hi) ? 0.5f * (lo + hi) : 0;
        }
        return action;
    }
}
