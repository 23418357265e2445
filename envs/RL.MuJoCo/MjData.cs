namespace RL.MuJoCo;

/// <summary>
/// An owned mjData bound to one <see cref="MjModel"/>. Every stepping call runs under the shim's error guard:
/// a MuJoCo error becomes a <see cref="MuJoCoException"/>, after which the data is reset (mujoco-notes.md,
/// pitfall 1). Array pointers are taken once; MuJoCo never moves them before mj_deleteData, and after Dispose
/// they throw <see cref="ObjectDisposedException"/> instead of pointing at freed memory.
/// Not thread-safe: use one MjData per thread.
/// </summary>
public sealed unsafe class MjData : IDisposable
{
    private IntPtr _handle;
    private readonly int* _warnings;
    private readonly double* _qpos, _qvel, _qacc, _qfrcApplied, _qfrcBias, _qfrcPassive, _xfrcApplied, _xpos, _xmat, _xipos, _subtreeCom, _ctrl, _act, _time;
    private readonly int _warningStride;

    public MjData(MjModel model)
    {
        Model = model;
        if (Native.rlmj_make_data(model.Handle, out _handle) != 0 || _handle == IntPtr.Zero)
            throw new MuJoCoException($"mj_makeData failed: {Native.LastError()}");
        _qpos = Doubles("qpos");
        _qvel = Doubles("qvel");
        _qacc = Doubles("qacc");
        _qfrcApplied = Doubles("qfrc_applied");
        _qfrcBias = Doubles("qfrc_bias");
        _qfrcPassive = Doubles("qfrc_passive");
        _xfrcApplied = Doubles("xfrc_applied");
        _xpos = Doubles("xpos");
        _xmat = Doubles("xmat");
        _xipos = Doubles("xipos");
        _subtreeCom = Doubles("subtree_com");
        _ctrl = model.Nu > 0 ? Doubles("ctrl") : null;
        _act = model.Na > 0 ? Doubles("act") : null;
        _time = Doubles("time");
        _warnings = (int*)Native.rlmj_data_ptr(_handle, "warning");
        _warningStride = Native.rlmj_sizeof_warningstat() / sizeof(int);
        WarningKinds = Native.rlmj_nwarning();
    }

    public MjModel Model { get; }
    public double* Qpos => Live(_qpos);
    public double* Qvel => Live(_qvel);
    public double* Qacc => Live(_qacc);
    public double* QfrcApplied => Live(_qfrcApplied);
    public double* QfrcBias => Live(_qfrcBias);
    public double* QfrcPassive => Live(_qfrcPassive);
    public double* XfrcApplied => Live(_xfrcApplied);
    public double* Xpos => Live(_xpos);
    public double* Xmat => Live(_xmat);
    public double* Xipos => Live(_xipos);
    public double* SubtreeCom => Live(_subtreeCom);
    public double* Ctrl => Live(_ctrl);
    public double* Act => Live(_act);

    /// <summary>Number of kinds of warning counters (mjNWARNING).</summary>
    public int WarningKinds { get; }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(MjData));

    // The array pointers point into the mjData block: after Dispose they would read and write freed memory (a
    // step racing a Close on the env server corrupted its heap, issue 10 part 2), so they throw instead: one compare
    // per access.
    private double* Live(double* p) => _handle != IntPtr.Zero ? p : throw new ObjectDisposedException(nameof(MjData), "this mjData was freed (mj_deleteData); its arrays are gone.");

    public double Time
    {
        get => *Live(_time);
        set => *Live(_time) = value;
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
    public int WarningCount(int kind) => ((int*)Live((double*)_warnings))[kind * _warningStride + 1];

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

    /// <summary>
    /// <paramref name="factor"/> (nM) ← the L'·D·L factor of M − h·D (false when a pivot is not positive), with M the
    /// mass matrix in d->qM (whoever wrote it: mj_step1 or the caller) and D in MuJoCo's sparse inertia layout (nM
    /// values at dof_Madr, each dof's row listing itself and its ancestors); the tree-sparse algorithm MuJoCo uses for
    /// M (no fill-in). Then (M − h·D)⁻¹ = L⁻¹·D⁻¹·L'⁻¹, the diagonal D at dof_Madr of the factor.
    /// </summary>
    public bool FactorShiftedMassSparse(double* damping, double h, double* factor) =>
        Native.rlmj_ltdl_factor(Model.Handle, Handle, damping, h, factor) == 0;

    /// <summary>x ← L'⁻¹·x for <paramref name="count"/> contiguous vectors, with a factor from <see cref="FactorShiftedMassSparse"/>.</summary>
    public void SolveFactorUpper(double* factor, double* rhs, int count) => Native.rlmj_ltdl_solve_upper(Model.Handle, factor, rhs, count);

    /// <summary>x ← L⁻¹·D⁻¹·x for <paramref name="count"/> contiguous vectors, with a factor from <see cref="FactorShiftedMassSparse"/>.</summary>
    public void SolveFactorLower(double* factor, double* rhs, int count) => Native.rlmj_ltdl_solve_lower(Model.Handle, factor, rhs, count);

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
