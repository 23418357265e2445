namespace RL.Envs.Wrappers;

/// <summary>Which published shaping formula <see cref="RewardShaping"/> applies (l2r-training-recipes.md §5.2).</summary>
public enum ShapingMode
{
    None,
    /// <summary>PKU/Megvii's ACE penalties for leaning back and straight knees (hzwer/NIPS2017-LearningToRunACE baseline/multi.py).</summary>
    Ace,
    /// <summary>Stelmaszczyk and Jarosik's "reward hacking" (AdamStelmaszczyk/learning2run osim/env/run.py).</summary>
    Stelmaszczyk,
}

/// <summary>
/// Per-frame reward shaping for Learning to Run. It must sit below frame skip, so every simulator frame is
/// shaped and the skip sums shaped frames (recipes §5.2: R_t = Σ_i [r_i − …]); registered as an EnvRegistry
/// wrapper stage (option <c>shaping</c>), it runs inside the env server when envs are remote. Inputs are
/// found by observation NAME (pelvis_x, head_x, knee_r, knee_l, pelvis_vx), so the wrapper works on any env
/// that publishes them and fails with the missing name otherwise. Each term is reported through
/// <see cref="IEnv.RewardTerms"/> (appended to the inner env's terms) so runs can log it; the unshaped 2017
/// score stays in <see cref="StepOutcome.ScoreReward"/>.
/// <list type="bullet">
/// <item>ACE: r − 0.05·min(0.3, max(0, x_pelvis − x_head − 0.15)) − 0.03·Σ_knee max(0, θ_knee − 0.1); terms ace_lean, ace_knees (as signed contributions).</item>
/// <item>Stelmaszczyk: 0.01·v_pelvis,x + 0.01 + 0.1·min(0, x_head − x_pelvis) − 0.02·Σ_knee max(0, θ_knee − 0.1) − 1e-7·‖F_lig‖;
/// the ligament term is recovered as score reward − Δx_pelvis (the 2017 reward is Δx_pelvis − 1e-7·‖F_lig‖), so it carries the float32
/// rounding of the observed pelvis x. Terms stel_velocity, stel_alive, stel_lean, stel_knees, stel_ligaments.</item>
/// </list>
/// </summary>
public sealed class RewardShaping : IEnv
{
    public const string OptionKey = "shaping";

    private static readonly string[] AceTerms = { "ace_lean", "ace_knees" };
    private static readonly string[] StelmaszczykTerms = { "stel_velocity", "stel_alive", "stel_lean", "stel_knees", "stel_ligaments" };

    private readonly IEnv _inner;
    private readonly int _pelvisX, _headX, _kneeR, _kneeL, _pelvisVx;
    private readonly int _innerTerms;
    private readonly double[] _terms;
    private double _previousPelvisX;

    public RewardShaping(IEnv inner, ShapingMode mode)
    {
        if (mode == ShapingMode.None) throw new ArgumentException("RewardShaping needs a shaping mode other than none.", nameof(mode));
        _inner = inner;
        Mode = mode;
        var spec = inner.Spec;
        _pelvisX = spec.ObservationIndex("pelvis_x");
        _headX = spec.ObservationIndex("head_x");
        _kneeR = spec.ObservationIndex("knee_r");
        _kneeL = spec.ObservationIndex("knee_l");
        _pelvisVx = mode == ShapingMode.Stelmaszczyk ? spec.ObservationIndex("pelvis_vx") : -1;
        string[] own = mode == ShapingMode.Ace ? AceTerms : StelmaszczykTerms;
        _innerTerms = spec.RewardTermNames.Length;
        _terms = new double[_innerTerms + own.Length];
        var options = new Dictionary<string, string>(spec.Options) { [OptionKey] = Name(mode) };
        Spec = spec with { RewardTermNames = spec.RewardTermNames.Concat(own).ToArray(), Options = options };
    }

    public ShapingMode Mode { get; }
    public IEnv Inner => _inner;
    public EnvSpec Spec { get; }
    public ReadOnlySpan<double> RewardTerms => _terms;

    public static string Name(ShapingMode mode) => mode switch
    {
        ShapingMode.Ace => "ace",
        ShapingMode.Stelmaszczyk => "stelmaszczyk",
        _ => "none",
    };

    /// <summary>
    /// Adds the shaping stage to <paramref name="registry"/>: every env built with option
    /// <c>shaping: ace|stelmaszczyk</c> is wrapped (below frame skip); <c>none</c> (the default) leaves it as is.
    /// </summary>
    public static EnvRegistry Register(EnvRegistry registry) => registry.AddWrapper((env, options) =>
        options.GetString(OptionKey, "none", "none", "ace", "stelmaszczyk") switch
        {
            "ace" => new RewardShaping(env, ShapingMode.Ace),
            "stelmaszczyk" => new RewardShaping(env, ShapingMode.Stelmaszczyk),
            _ => env,
        });

    public void Reset(long? seed, Span<float> observation)
    {
        _inner.Reset(seed, observation);
        Array.Clear(_terms);
        _previousPelvisX = observation[_pelvisX];
    }

    public StepOutcome Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        var outcome = _inner.Step(action, observation);
        _inner.RewardTerms.CopyTo(_terms);
        double pelvisX = observation[_pelvisX], headX = observation[_headX];
        double kneeExcess = Math.Max(0, observation[_kneeR] - 0.1) + Math.Max(0, observation[_kneeL] - 0.1);
        double reward;
        var own = _terms.AsSpan(_innerTerms);
        if (Mode == ShapingMode.Ace)
        {
            double lean = 0.05 * Math.Min(0.3, Math.Max(0, pelvisX - headX - 0.15));
            double knees = 0.03 * kneeExcess;
            own[0] = -lean;
            own[1] = -knees;
            reward = outcome.Reward - lean - knees;
        }
        else
        {
            own[0] = 0.01 * observation[_pelvisVx];
            own[1] = 0.01;
            own[2] = 0.1 * Math.Min(0, headX - pelvisX);
            own[3] = -0.02 * kneeExcess;
            own[4] = outcome.ScoreReward - (pelvisX - _previousPelvisX);
            reward = own[0] + own[1] + own[2] + own[3] + own[4];
        }
        _previousPelvisX = pelvisX;
        return outcome with { Reward = reward };
    }

    public void Dispose() => _inner.Dispose();
}
