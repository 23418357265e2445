using RL.Core.Config;

namespace RL.Core.Exploration;

/// <summary>Which action-space noise an episode without parameter noise uses.</summary>
public enum ActionNoiseKind
{
    [ConfigDoc("No action noise.")]
    None,
    [ConfigDoc("Ornstein–Uhlenbeck noise (exploration.ou), temporally correlated.")]
    [ConfigKey("ou")]
    OrnsteinUhlenbeck,
    [ConfigDoc("Gaussian noise held for a number of decisions (exploration.gaussian).")]
    Gaussian,
}

/// <summary>Which parameter-space noise an episode chosen for parameter noise uses (recipes §5.5).</summary>
public enum ParameterNoiseKind
{
    [ConfigDoc("No parameter noise.")]
    None,
    [ConfigDoc("Plappert et al.'s adaptive σ, measured on replay batches (exploration.adaptive).")]
    Adaptive,
    [ConfigDoc("Reason8's bisection to a target distance over the previous episode's states (exploration.bisection).")]
    Bisection,
}

/// <summary>Ornstein–Uhlenbeck noise (Reason8: θ 0.1, σ 0.2 → 0.05 over 10^6 samples, dt 0.01).</summary>
public sealed record OuNoiseConfig
{
    [ConfigDoc("Mean-reversion rate θ of x ← x − θ·x·dt + σ·√dt·N(0, 1).",
        Unit = "per dt", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: 0.1)")]
    [ConfigRange(0, 1000)]
    public double Theta { get; init; } = 0.15;

    [ConfigDoc("Noise scale σ, annealed over env steps.",
        Unit = "action units (excitation)", Source = "Lillicrap et al. 2015 (Reason8 e2ffeaa: 0.2 → 0.05 over 10^6 decisions)")]
    public LinearSchedule Sigma { get; init; } = LinearSchedule.Constant(0.2);

    [ConfigDoc("Time step of the OU process per decision.",
        Unit = "-", Source = "Lillicrap et al. 2015 (the discrete form, dt 1; Reason8 e2ffeaa: 0.01)")]
    [ConfigRange(0, 1000, MinExclusive = true)]
    public double Dt { get; init; } = 1.0;
}

/// <summary>Gaussian action noise held for a number of decisions.</summary>
public sealed record GaussianNoiseConfig
{
    [ConfigDoc("Standard deviation of the noise added to each action element, annealed over env steps.",
        Unit = "action units (excitation)", Source = "ours (PKU/Megvii started at 0.5 and decayed it)")]
    public LinearSchedule Sigma { get; init; } = LinearSchedule.Constant(0.1);

    [ConfigDoc("A noise draw is held for this many decisions before the next.",
        Unit = "decisions", Source = "ours: a fresh draw every decision (PKU/Megvii: 5)")]
    [ConfigRange(1, 1_000_000)]
    public int HoldSteps { get; init; } = 1;
}

/// <summary>Plappert et al.'s adaptive parameter noise (baselines: σ₀ 0.1, α 1.01, every 50 updates).</summary>
public sealed record AdaptiveParameterNoiseConfig
{
    [ConfigDoc("σ of the Gaussian weight noise before the first adaptation.",
        Unit = "weight standard deviation", Source = "Plappert et al. 2018 (OpenAI baselines)")]
    [ConfigRange(0, 100, MinExclusive = true)]
    public double InitialSigma { get; init; } = 0.1;

    [ConfigDoc("Adaptation factor: σ ← σ/α when the measured action distance exceeds the target, σ·α otherwise.",
        Unit = "-", Source = "Plappert et al. 2018 (OpenAI baselines)")]
    [ConfigRange(1, 10, MinExclusive = true)]
    public double Alpha { get; init; } = 1.01;

    [ConfigDoc("Updates between two adaptations of σ.",
        Unit = "updates", Source = "Plappert et al. 2018 (OpenAI baselines)")]
    [ConfigRange(1, 1_000_000)]
    public int Interval { get; init; } = 50;

    [ConfigDoc("Target RMS distance δ between perturbed and unperturbed actions; 0 means the current action-noise σ.",
        Unit = "action units (RMS)", Source = "Plappert et al. 2018 (δ = the action-noise σ; baselines' adaptive-param_0.2 uses 0.2)")]
    [ConfigRange(0, 100)]
    public double TargetDistance { get; init; }
}

/// <summary>Reason8's bisection (σ in [0, 100], tolerance 1e-3, at most 1000 trials; target = current OU σ).</summary>
public sealed record BisectionParameterNoiseConfig
{
    [ConfigDoc("Upper end of the σ interval [0, sigma_max] that is bisected.",
        Unit = "weight standard deviation", Source = "Reason8 (nips_rl agent.py)")]
    [ConfigRange(0, 1e6, MinExclusive = true)]
    public double SigmaMax { get; init; } = 100;

    [ConfigDoc("The bisection stops when the measured action distance is within this of the target.",
        Unit = "action units (RMS)", Source = "Reason8 (nips_rl agent.py)")]
    [ConfigRange(0, 10, MinExclusive = true)]
    public double Tolerance { get; init; } = 1e-3;

    [ConfigDoc("Most bisection trials per episode (each draws fresh weight noise).",
        Unit = "trials", Source = "Reason8 (nips_rl agent.py)")]
    [ConfigRange(1, 100_000)]
    public int MaxTrials { get; init; } = 1000;

    [ConfigDoc("Target RMS distance δ between perturbed and unperturbed actions over the previous episode's states; 0 means the current action-noise σ.",
        Unit = "action units (RMS)", Source = "Reason8 (nips_rl agent.py: the annealed OU σ)")]
    [ConfigRange(0, 100)]
    public double TargetDistance { get; init; }
}

/// <summary>
/// Exploration of an off-policy agent: at each episode start an env picks parameter noise with probability
/// <see cref="ParamNoiseProb"/> (Reason8: 0.3), otherwise the action noise (Reason8: OU).
/// </summary>
public sealed record ExplorationConfig : IValidatedConfig
{
    [ConfigDoc("The noise added to actions in episodes without parameter noise.",
        Unit = "-", Source = "Lillicrap et al. 2015 (OU)")]
    public ActionNoiseKind ActionNoise { get; init; } = ActionNoiseKind.OrnsteinUhlenbeck;
    [ConfigDoc("Ornstein–Uhlenbeck action noise, one process per env and action element (action_noise: ou).")]
    public OuNoiseConfig Ou { get; init; } = new();
    [ConfigDoc("Gaussian action noise (action_noise: gaussian).")]
    public GaussianNoiseConfig Gaussian { get; init; } = new();

    [ConfigDoc("Which parameter-space noise an episode chosen for it uses: Gaussian noise on the actor's Linear weights and biases (never LayerNorm's), fixed for the episode.",
        Unit = "-", Source = "Lillicrap et al. 2015 (none; Reason8 e2ffeaa: bisection)")]
    public ParameterNoiseKind ParamNoise { get; init; } = ParameterNoiseKind.None;

    [ConfigDoc("Probability that an episode uses parameter noise instead of action noise, drawn per env at each episode start.",
        Unit = "probability per episode", Source = "Lillicrap et al. 2015 (none; Reason8 e2ffeaa: 0.3)")]
    [ConfigRange(0, 1)]
    public double ParamNoiseProb { get; init; }

    [ConfigDoc("Plappert et al.'s adaptive parameter noise (param_noise: adaptive).")]
    public AdaptiveParameterNoiseConfig Adaptive { get; init; } = new();
    [ConfigDoc("Reason8's bisection parameter noise (param_noise: bisection).")]
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
