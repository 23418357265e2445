namespace RL.MuJoCo;

/// <summary>
/// Loads the shim, installs MuJoCo's error and warning handlers and checks the library version once per
/// process. The binding is written against MuJoCo 2.2.2's structs and semantics (mujoco-notes.md), so any
/// other version is refused rather than silently misread.
/// </summary>
public static class MuJoCoRuntime
{
    public const int ExpectedVersion = 222;
    private static readonly Lazy<int> Loaded = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>mj_version() of the loaded library (222 for 2.2.2).</summary>
    public static int Version => Loaded.Value;

    /// <summary>Human-readable version, e.g. "2.2.2".</summary>
    public static string VersionString => $"{Version / 100}.{Version / 10 % 10}.{Version % 10}";

    /// <summary>Warnings raised through mju_warning on this thread (not the per-mjData counters).</summary>
    public static long ThreadWarningCount => Native.rlmj_warning_count();

    public static string LastWarning => Native.LastWarning();

    public static void EnsureLoaded() => _ = Loaded.Value;

    /// <summary>
    /// Factors a symmetric positive definite n×n row-major matrix in place (mju_cholFactor) and solves it for
    /// <paramref name="count"/> right-hand sides stored one after another (overwritten with the solutions).
    /// Returns false, leaving the right-hand sides unspecified, when the matrix is not positive definite.
    /// </summary>
    public static unsafe bool SolveSpd(double* matrix, int n, double* rightHandSides, int count) =>
        Native.rlmj_spd_solve(matrix, n, rightHandSides, count) == n;

    private static int Initialize()
    {
        int version;
        try
        {
            version = Native.rlmj_init();
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                "librlmujoco.so or libmujoco.so.2.2.2 could not be loaded. Install MuJoCo with ./scripts/install-deps.sh " +
                $"(Debian packages libmujoco2.2.2 and libmujoco-dev), then rebuild. Loader said: {e.Message}", e);
        }
        int header = Native.rlmj_header_version();
        if (version != ExpectedVersion || header != ExpectedVersion)
            throw new NotSupportedException(
                $"MuJoCo version mismatch: library mj_version() = {version}, headers = {header}, this binding needs {ExpectedVersion} (2.2.2). " +
                "Install Debian's libmujoco2.2.2 and libmujoco-dev.");
        return version;
    }
}
