namespace RL.Algorithms.OnPolicy;

/// <summary>
/// Generalised advantage estimation (Schulman et al. 2016, arXiv 1506.02438) over a time-major rollout
/// [T steps × N envs]: δₜ = rₜ + γ·next_valueₜ − V(sₜ), Aₜ = δₜ + γλ·Aₜ₊₁ unless the episode ended at t, and
/// the return target is Aₜ + V(sₜ). The caller gives each step's next value: V(sₜ₊₁) within an episode (the
/// bootstrap V(s_T) after the last step), V(final observation) where the episode was truncated by a time
/// limit, 0 where it terminated (a fall): NNAISENSE's horizon hack (recipes §3.1), so truncation is never
/// mistaken for a terminal state.
/// </summary>
public static class Gae
{
    public static void Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> nextValues,
        ReadOnlySpan<bool> episodeEnds, int envs, double gamma, double lambda, Span<float> advantages, Span<float> returns)
    {
        int steps = rewards.Length / envs;
        for (int i = 0; i < envs; i++)
        {
            double carry = 0;
            for (int t = steps - 1; t >= 0; t--)
            {
                int k = t * envs + i;
                double delta = rewards[k] + gamma * nextValues[k] - values[k];
                carry = episodeEnds[k] ? delta : delta + gamma * lambda * carry;
                advantages[k] = (float)carry;
                returns[k] = (float)(carry + values[k]);
            }
        }
    }
}
