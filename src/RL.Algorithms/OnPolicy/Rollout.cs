namespace RL.Algorithms.OnPolicy;

/// <summary>
/// One rollout, time-major [T steps × N envs] over every env group (group g's envs are columns
/// offset_g … offset_g + n_g − 1). Observations are after the trainer's transform but before normalisation, so
/// mirroring (defined on transformed observations) and the frozen normaliser of the update both apply to them.
/// A transition with no valid next state (a lost worker, a non-finite observation) is marked invalid: it ends
/// its episode with a zero advantage and is left out of the update (reliability.md R1, R2).
/// </summary>
public sealed class Rollout
{
    public Rollout(int steps, int envs, int observationSize, int actionSize)
    {
        Steps = steps;
        Envs = envs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        int n = steps * envs;
        Observations = new float[n * observationSize];
        Actions = new float[n * actionSize];
        Rewards = new float[n];
        Values = new float[n];
        NextValues = new float[n];
        EpisodeEnds = new bool[n];
        Valid = new bool[n];
        Advantages = new float[n];
        Returns = new float[n];
        LastValues = new float[envs];
    }

    public int Steps { get; }
    public int Envs { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int Count => Steps * Envs;

    public float[] Observations { get; }

    /// <summary>The drawn actions (unclipped Gaussian samples, or Bernoulli 0/1), not what the env received.</summary>
    public float[] Actions { get; }

    public float[] Rewards { get; }
    public float[] Values { get; }

    /// <summary>V(sₜ₊₁) within an episode, V(final observation) after a truncation, 0 after a termination.</summary>
    public float[] NextValues { get; }

    public bool[] EpisodeEnds { get; }
    public bool[] Valid { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }

    /// <summary>V(s_T) of each env's observation after the last step: the bootstrap of unfinished episodes.</summary>
    public float[] LastValues { get; }

    /// <summary>Fills the next value of every step that did not end its episode, then computes GAE.</summary>
    public void Finish(double gamma, double lambda)
    {
        for (int t = 0; t < Steps; t++)
            for (int i = 0; i < Envs; i++)
            {
                int k = t * Envs + i;
                if (!EpisodeEnds[k]) NextValues[k] = t + 1 < Steps ? Values[k + Envs] : LastValues[i];
            }
        Gae.Compute(Rewards, Values, NextValues, EpisodeEnds, Envs, gamma, lambda, Advantages, Returns);
        for (int k = 0; k < Count; k++)
            if (!Valid[k]) Advantages[k] = Returns[k] = 0;
    }

    /// <summary>Row indices of the valid transitions.</summary>
    public int[] ValidRows()
    {
        var rows = new List<int>(Count);
        for (int k = 0; k < Count; k++)
            if (Valid[k]) rows.Add(k);
        return rows.ToArray();
    }
}
