using System.Text;

namespace RL.Envs.Random;

/// <summary>
/// Derives every random stream of a run from one master seed: Derive(master, "env", 3) is the seed of env 3,
/// Derive(master, "noise") the exploration noise's, and so on. Streams with different names or indices are
/// statistically independent (SplitMix64 over a hash of the path), and the mapping never changes between
/// versions, so a run directory's master seed reproduces the run.
/// </summary>
public static class SeedSequence
{
    public static ulong Derive(ulong master, string stream, long index = 0)
    {
        ulong x = master;
        ulong h = Xoshiro256.SplitMix64(ref x);
        foreach (byte b in Encoding.UTF8.GetBytes(stream))
        {
            h ^= b;
            h *= 0x100000001B3UL; // FNV-1a prime
        }
        h ^= (ulong)index * 0x9E3779B97F4A7C15UL;
        return Xoshiro256.SplitMix64(ref h);
    }

    /// <summary>A non-negative seed that fits the env contract's int64 and numpy's legacy seeding (&lt; 2³²).</summary>
    public static long DeriveEnvSeed(ulong master, string stream, long index) => (long)(Derive(master, stream, index) & 0xFFFF_FFFFUL);
}
