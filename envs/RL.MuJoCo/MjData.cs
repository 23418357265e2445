namespace RL.MuJoCo;

/// <summary>
/// An owned mjData bound to one <see cref="MjModel"/>. Every stepping call runs under the shim's error guard:
/// a MuJoCo error becomes a <see cref="MuJoCoException"/>, after which the data is reset (mujoco-notes.md,
/// pitfall 1). Array pointers are taken once; MuJoCo never moves them before mj_deleteData.
/// Not thread-safe: use one MjData per thread.
/// </summary>
public sealed unsafe class MjData : IDisposable
{
    private IntPtr _handle;
    private readonly int* _warnings;
    private readonly int _warningStride;

    public MjData(MjModel model)
    {
        Model = model;
        if (Native.rlmj_make_data(model.Handle, out _handle) != 0 || _handle == IntPtr.Zero)
            throw new MuJoCoException($"mj_makeData failed: {Native.LastError()}");
        Qpos = Doubles("qpos");
        Qvel = Doubles("qvel");
        Qacc = Doubles("qacc");
        QfrcApplied = Doubles("qfrc_applied");
        QfrcBias = Doubles("qfrc_bias");
        QfrcPassive = Doubles("qfrc_passive");
        XfrcApplied = Doubles("xfrc_applied");
        Xpos = Doubles("xpos");
        Xmat = Doubles("xmat");
        Xipos = Doubles("xipos");
        SubtreeCom = Doubles("subtree_com");
        Ctrl = model.Nu > 0 ? Doubles("ctrl") : null;
        Act = model.Na > 0 ? Doubles("act") : null;
        TimePtr = Doubles("time");
        _warnings = (int*)Native.rlmj_data_ptr(_handle, "warning");
        _warningStride = Native.rlmj_sizeof_warningstat() / sizeof(int);
        WarningKinds = Native.rlmj_nwarning();
    }

    public MjModel Model { get; }
    public double* Qpos { get; }
    public double* Qvel { get; }
    public double* Qacc { get; }
    public double* QfrcApplied { get; }
    public double* QfrcBias { get; }
    public double* QfrcPassive { get; }
    public double* XfrcApplied { get; }
    public double* Xpos { get; }
    public double* Xmat { get; }
    public double* Xipos { get; }
    public double* SubtreeCom { get; }
    public double* Ctrl { get; }
    public double* Act { get; }
    private double* TimePtr { get; }

    /// <summary>Number of kinds of warning counters (mjNWARNING).</summary>
    public int WarningKinds { get; }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(MjData));

    public double Time
    {
        get => *TimePtr;
        set => *TimePtr = value;
    }

    /// <summary>Pointer to any mjData array or scalar by its C name.</summary>
    public double* Doubles(string field)
    {
        IntPtr p = Native.rlmj_data_ptr(Handle, field);
        if (p == IntPtr.Zero) throw new ArgumentException($"mjData has no field '{field}' (or it is empty).", nameof(field));
        return (double*)p;
    }

    /// <summary>
    /// d->warning[kind].number. MuJoCo resets the data by itself on a bad qpos/qvel/qacc and only counts it
    /// here (pitfall 3), so callers compare <see cref="TotalWarnings"/> before and after each step.
    /// </summary>
    public int WarningCount(int kind) => _warnings[kind * _warningStride + 1];

    public long TotalWarnings
    {
        get
        {
            long total = 0;
            for (int i = 0; i < WarningKinds; i++) total += WarningCount(i);
            return total;
        }
    }

    public void Reset() => Check(Native.rlmj_reset_data(Model.Handle, Handle), "mj_resetData");
    public void Step() => Check(Native.rlmj_step(Model.Handle, Handle), "mj_step");
    public void Step1() => Check(Native.rlmj_step1(Model.Handle, Handle), "mj_step1");
    public void Step2() => Check(Native.rlmj_step2(Model.Handle, Handle), "mj_step2");
    public void Forward() => Check(Native.rlmj_forward(Model.Handle, Handle), "mj_forward");

    /// <summary>Body poses (mj_kinematics) and subtree centres of mass (mj_comPos) for the current qpos.</summary>
    public void Kinematics() => Check(Native.rlmj_kinematics(Model.Handle, Handle), "mj_kinematics");

    /// <summary>x = M⁻¹ y for <paramref name="n"/> vectors of length nv, using the factorisation of the last step1/forward.</summary>
    public void SolveM(double* x, double* y, int n) => Check(Native.rlmj_solve_m(Model.Handle, Handle, x, y, n), "mj_solveM");

    /// <summary>The dense nv×nv mass matrix (row-major) of the last step1/forward.</summary>
    public void FullM(double* dst) => Check(Native.rlmj_full_m(Model.Handle, Handle, dst), "mj_fullM");

    private void Check(int rc, string call)
    {
        if (rc == 0) return;
        string message = Native.LastError();
        // The longjmp left mjData mid-computation; reset so it is consistent again.
        Native.rlmj_reset_data(Model.Handle, _handle);
        throw new MuJoCoException($"{call} failed: {message}");
    }

    public void Dispose()
    {
        IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) Native.rlmj_delete_data(h);
        GC.SuppressFinalize(this);
    }

    ~MjData()
    {
        IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) Native.rlmj_delete_data(h);
    }
}
