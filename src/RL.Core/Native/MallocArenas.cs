using System.Runtime.InteropServices;

namespace RL.Core.Native;

/// <summary>
/// Lets every thread of a trainer keep a glibc malloc arena of its own. glibc stops creating arenas at 8 × cores
/// (16 on a 2-core machine) and then makes new threads share one; a trainer with local env servers has more threads
/// than that (thread pool, timers, child-process I/O) before its sampler starts, so the sampler could be put in the
/// learner's arena, and libtorch allocates every tensor through malloc on both threads: the learner then blocked on
/// that arena's lock 630-936 times a second (strace stacks in experiments/results/ddpg-local-learner-slowdown-2026-12-06).
/// </summary>
public static class MallocArenas
{
    /// <summary>mallopt's M_ARENA_MAX (glibc malloc.h).</summary>
    private const int MArenaMax = -8;

    /// <summary>Arenas allowed; an arena only reserves address space until a thread allocates in it.</summary>
    public const int Max = 128;

    /// <summary>What <see cref="Widen"/> did in this process, for <c>rl doctor</c>; null before it ran.</summary>
    public static string? Outcome { get; private set; }

    /// <summary>
    /// Raises glibc's arena limit for this process. Must run before the process has more threads than glibc's
    /// arena_test (8 on 64-bit), which is when glibc fixes the limit: first thing in Main. A MALLOC_ARENA_MAX
    /// set by the user wins; on other systems and C libraries nothing changes.
    /// </summary>
    public static void Widen()
    {
        if (!OperatingSystem.IsLinux()) Outcome = "not Linux: the system allocator's default";
        else if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { } set) Outcome = $"MALLOC_ARENA_MAX={set} from the environment";
        else
        {
            try
            {
                Outcome = mallopt(MArenaMax, Max) == 1
                    ? $"up to {Max} per process (raised at startup from glibc's 8 × cores, so samplers and the learner do not share one)"
                    : "mallopt refused M_ARENA_MAX: the C library's default";
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Outcome = "not glibc: the C library's default";
            }
        }
    }

    [DllImport("libc")]
    private static extern int mallopt(int param, int value);
}
