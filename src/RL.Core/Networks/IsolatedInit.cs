using TorchSharp;

namespace RL.Core.Networks;

/// <summary>
/// Builds modules without touching the global generator's stream: TorchSharp initialises new parameters from
/// it, so building a copy (a sampler's actor, a perturbed actor) at some moment would otherwise shift every
/// later draw and break bit-reproducibility (reliability.md R13, R15).
/// </summary>
public static class IsolatedInit
{
    private static readonly object Gate = new();

    public static T Build<T>(Func<T> build)
    {
        lock (Gate)
        {
            using var state = torch.get_rng_state();
            try
            {
                return build();
            }
            finally
            {
                torch.set_rng_state(state);
            }
        }
    }
}
