using RL.Core.Config;

namespace RL.Algorithms.Training;

/// <summary>The algorithms `rl train` and `rl eval` can run, by <c>algorithm:</c>. A new algorithm joins with one line.</summary>
public static class AlgorithmCatalog
{
    private static readonly IReadOnlyDictionary<AlgorithmKind, IAlgorithm> Built = new Dictionary<AlgorithmKind, IAlgorithm>
    {
        [AlgorithmKind.Ddpg] = new Ddpg.DdpgAlgorithm(),
        [AlgorithmKind.Ppo] = new Ppo.PpoAlgorithm(),
        [AlgorithmKind.Trpo] = new Trpo.TrpoAlgorithm(),
    };

    public static IReadOnlyCollection<AlgorithmKind> Available => Built.Keys.ToArray();

    /// <summary>The algorithm a config names, or a config error naming the ones that are built.</summary>
    public static IAlgorithm For(AlgorithmKind kind) => Built.TryGetValue(kind, out var algorithm)
        ? algorithm
        : throw new ConfigException(null, "algorithm",
            $"{ConfigNaming.EnumName(kind)} is not built yet; available: {string.Join(", ", Built.Keys.Select(k => ConfigNaming.EnumName(k)))}.");
}
