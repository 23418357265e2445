namespace RL.Envs.Vector;

/// <summary>Reusable output buffers of <see cref="IVectorEnv.Step"/>; allocate once per vector env.</summary>
public sealed class VectorStepResult
{
    public VectorStepResult(int numEnvs, int observationSize)
    {
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        Observations = new float[numEnvs * observationSize];
        FinalObservations = new float[numEnvs * observationSize];
        Rewards = new float[numEnvs];
        ScoreRewards = new double[numEnvs];
        Terminated = new bool[numEnvs];
        Truncated = new bool[numEnvs];
        Reasons = new EndReason[numEnvs];
        Dropped = new bool[numEnvs];
    }

    public int NumEnvs { get; }
    public int ObservationSize { get; }

    /// <summary>Next observations; where an episode ended, the first observation of the next episode.</summary>
    public float[] Observations { get; }

    /// <summary>Where an episode ended (Terminated or Truncated), its last observation; otherwise unspecified.</summary>
    public float[] FinalObservations { get; }

    public float[] Rewards { get; }
    public double[] ScoreRewards { get; }
    public bool[] Terminated { get; }
    public bool[] Truncated { get; }
    public EndReason[] Reasons { get; }

    /// <summary>True where the transition has no valid next state and must not be stored or bootstrapped.</summary>
    public bool[] Dropped { get; }

    /// <summary>Episodes that ended in this step.</summary>
    public List<EpisodeSummary> Episodes { get; } = new();

    /// <summary>Action elements clipped to the action space in this step, over all envs.</summary>
    public int ClippedActions { get; set; }

    public bool Done(int i) => Terminated[i] || Truncated[i];

    public Span<float> Observation(int i) => Observations.AsSpan(i * ObservationSize, ObservationSize);
    public Span<float> FinalObservation(int i) => FinalObservations.AsSpan(i * ObservationSize, ObservationSize);

    public void Clear()
    {
        Array.Clear(Terminated);
        Array.Clear(Truncated);
        Array.Clear(Reasons);
        Array.Clear(Dropped);
        Episodes.Clear();
        ClippedActions = 0;
    }
}
