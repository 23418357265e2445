using RL.Envs.Wrappers;

namespace RL.Envs;

/// <summary>
/// Env ids → factories. Whoever hosts envs (the env server, the CLI's in-process paths, tests) registers the
/// envs it can build; trainers only name an id and options. Generic options handled here for every env:
/// <c>frame_skip</c> (k ≥ 1, applied around the env, so over gRPC it runs on the server).
/// </summary>
public sealed class EnvRegistry
{
    private readonly Dictionary<string, (Func<EnvOptions, IEnv> Factory, string Description)> _entries = new(StringComparer.Ordinal);
    private readonly List<Func<IEnv, EnvOptions, IEnv>> _wrappers = new();

    public EnvRegistry Register(string id, Func<EnvOptions, IEnv> factory, string description)
    {
        if (!_entries.TryAdd(id, (factory, description)))
            throw new ArgumentException($"env id '{id}' is registered twice.");
        return this;
    }

    /// <summary>
    /// Adds a generic wrapper stage applied to every env after it is built, in registration order, before frame
    /// skip (so a wrapper registered here sees every simulator frame, e.g. per-frame reward shaping). A stage
    /// reads its own options and returns the env unchanged when they are absent.
    /// </summary>
    public EnvRegistry AddWrapper(Func<IEnv, EnvOptions, IEnv> wrap)
    {
        _wrappers.Add(wrap);
        return this;
    }

    public IReadOnlyCollection<string> Ids => _entries.Keys;

    public string Describe(string id) => _entries.TryGetValue(id, out var e) ? e.Description : throw Unknown(id);

    /// <summary>Builds env <paramref name="id"/>; an unknown id or option is an <see cref="ArgumentException"/> naming it.</summary>
    public IEnv Create(string id, IReadOnlyDictionary<string, string>? options = null, string source = "env options") =>
        Create(id, new EnvOptions(options, source));

    /// <summary>
    /// Builds env <paramref name="id"/> from <paramref name="o"/>; afterwards <see cref="EnvOptions.Effective"/>
    /// lists every option the env read with its effective value (what an env server reports as accepted options).
    /// </summary>
    public IEnv Create(string id, EnvOptions o)
    {
        if (!_entries.TryGetValue(id, out var entry)) throw Unknown(id);
        int frameSkip = o.GetInt(GenericEnvOptions.FrameSkip, 1, 1, GenericEnvOptions.MaxFrameSkip);
        IEnv env = entry.Factory(o);
        try
        {
            foreach (var wrap in _wrappers) env = wrap(env, o);
            if (frameSkip > 1) env = new FrameSkip(env, frameSkip);
            o.ThrowIfUnused(id);
        }
        catch
        {
            env.Dispose();
            throw;
        }
        return env;
    }

    private ArgumentException Unknown(string id)
    {
        string? near = EnvOptions.Nearest(id, _entries.Keys);
        return new ArgumentException($"unknown env '{id}'{(near is null ? "" : $" (did you mean '{near}'?)")}. Known envs: {string.Join(", ", _entries.Keys.OrderBy(k => k))}.");
    }
}
