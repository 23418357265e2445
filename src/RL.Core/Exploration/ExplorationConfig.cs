using RL.Core.Config;

namespace RL.Core.Exploration;

/// <summary>Which action-space noise an episode without parameter noise uses.</summary>
public enum ActionNoiseKind
{
    None,
    [ConfigKey("ou")]
    OrnsteinUhlenbeck,
    Gaussian,
}

/// <summary>Which parameter-space noise an episode chosen for parameter noise uses (recipes §5.5).</summary>
public enum ParameterNoiseKind
{
    None,
    /// <summary>Plappert et al.'s adaptive σ, measured on replay batches.</summary>
    Adaptive,
    /// <summary>Reason8's bisection to a target distance over the previous episode's states.</summary>
    Bisection,
}

/// <summary>Ornstein–Uhlenbeck noise (Reason8: θ 0.1, σ 0.2 → 0.05 over 10^6 samples, dt 0.01).</summary>
public sealed record OuNoiseConfig
{
    [ConfigRange(0, 1000)]
    public double Theta { get; init; } = 0.15;

    /// <summary>σ annealed over global env steps.</summary>
    public LinearSchedule Sigma { get; init; } = LinearSchedule.Constant(0.2);

    [ConfigRange(0, 1000, MinExclusive = true)]
    public double Dt { get; init; } = 1.0;
}

/// <summary>Gaussian action noise held for a number of decisions.</summary>
public sealed record GaussianNoiseConfig
{
    public LinearSchedule Sigma { get; init; } = LinearSchedule.Constant(0.1);

    [ConfigRange(1, 1_000_000)]
    public int HoldSteps { get; init; } = 1;
}

/// <summary>Plappert et al.'s adaptive parameter noise (baselines: σ₀ 0.1, α 1.01, every 50 updates).</summary>
public sealed record AdaptiveParameterNoiseConfig
{
    [ConfigRange(0, 100, MinExclusive = true)]
    public double InitialSigma { get; init; } = 0.1;

    [ConfigRange(1, 10, MinExclusive = true)]
    public double Alpha { get; init; } = 1.01;

    /// <summary>Updates between two adaptations.</summary>
    [ConfigRange(1, 1_000_000)]
    public int Interval { get; init; } = 50;

    /// <summary>Target distance δ; 0 means "the current action-noise σ" (baselines' adaptive-param_0.2 uses 0.2).</summary>
    [ConfigRange(0, 100)]
    public double TargetDistance { get; init; }
}

/// <summary>Reason8's bisection (σ in [0, 100], tolerance 1e-3, at most 1000 trials; target = current OU σ).</summary>
public sealed record BisectionParameterNoiseConfig
{
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double SigmaMax { get; init; } = 100;

    [ConfigRange(0, 10, MinExclusive = true)]
    public double Tolerance { get; init; } = 1e-3;

    [ConfigRange(1, 100_000)]
    public int MaxTrials { get; init; } = 1000;

    /// <summary>Target distance δ; 0 means "the current action-noise σ" (Reason8).</summary>
    [ConfigRange(0, 100)]
    public double TargetDistance { get; init; }
}

/// <summary>
/// Exploration of an off-policy agent: at each episode start an env picks parameter noise with probability
/// <see cref="ParamNoiseProb"/> (Reason8: 0.3), otherwise the action noise (Reason8: OU).
/// </summary>
public sealed record ExplorationConfig : IValidatedConfig
{
    public ActionNoiseKind ActionNoise { get; init; } = ActionNoiseKind.OrnsteinUhlenbeck;
    public OuNoiseConfig Ou { get; init; } = new();
    public GaussianNoiseConfig Gaussian { get; init; } = new();

    public ParameterNoiseKind ParamNoise { get; init; } = ParameterNoiseKind.None;

    [ConfigRange(0, 1)]
    public double ParamNoiseProb { get; init; }

    public AdaptiveParameterNoiseConfig Adaptive { get; init; } = new();
    public BisectionParameterNoiseConfig Bisection { get; init; } = new();

    /// <summary>The action-noise σ at env step <paramref name="step"/> (the default parameter-noise target).</summary>
    public double ActionSigmaAt(long step) => ActionNoise switch
    {
        ActionNoiseKind.OrnsteinUhlenbeck => Ou.Sigma.At(step),
        ActionNoiseKind.Gaussian => Gaussian.Sigma.At(step),
        _ => 0,
    };

    public void Validate(Action<string, string> error)
    {
        if (ParamNoise == ParameterNoiseKind.None && ParamNoiseProb > 0)
            error("param_noise_prob", "is above 0 but param_noise is none; choose adaptive or bisection, or set the probability to 0.");
        if (ParamNoise != ParameterNoiseKind.None && ParamNoiseProb == 0)
            error("param_noise", $"is {ParamNoise.ToString().ToLowerInvariant()} but param_noise_prob is 0, so no episode would use it.");
        if (ParamNoise == ParameterNoiseKind.Bisection && Bisection.TargetDistance == 0 && ActionNoise == ActionNoiseKind.None)
            error("bisection.target_distance", "is 0 (\"use the action-noise σ\") but action_noise is none; give a target distance.");
        if (ParamNoise == ParameterNoiseKind.Adaptive && Adaptive.TargetDistance == 0 && ActionNoise == ActionNoiseKind.None)
            error("adaptive.target_distance", "is 0 (\"use the action-noise σ\") but action_noise is none; give a target distance.");
    }
}
