using RL.Envs.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>The order rows are visited in an epoch: a Fisher–Yates shuffle on the update's own RNG stream, so a seed fixes every minibatch.</summary>
public static class Minibatches
{
    /// <summary>One epoch's shuffled row indices as a tensor on <paramref name="device"/>; a minibatch is a narrow of it.</summary>
    public static Tensor Epoch(long[] order, Xoshiro256 rng, Device device)
    {
        Shuffle(order, rng);
        return torch.tensor(order).to(device);
    }

    public static void Shuffle(long[] order, Xoshiro256 rng)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(rng.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
