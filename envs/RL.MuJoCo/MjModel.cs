namespace RL.MuJoCo;

/// <summary>MuJoCo object types used for name lookups (mjtObj in mjmodel.h).</summary>
public enum MjObject
{
    Body = 1,
    Joint = 3,
    Geom = 5,
    Site = 6,
}

/// <summary>
/// An owned mjModel. One model may be shared read-only by many <see cref="MjData"/> on many threads
/// (mujoco-notes.md, "Speed"); a model whose fields are edited per episode must be a <see cref="Copy"/>.
/// </summary>
public sealed unsafe class MjModel : IDisposable
{
    private IntPtr _handle;

    private MjModel(IntPtr handle)
    {
        _handle = handle;
        Nq = Int("nq");
        Nv = Int("nv");
        Nu = Int("nu");
        Na = Int("na");
        Nbody = Int("nbody");
        Njnt = Int("njnt");
        Ngeom = Int("ngeom");
        Nsite = Int("nsite");
        NM = Int("nM");
    }

    public int Nq { get; }
    public int Nv { get; }
    public int Nu { get; }
    public int Na { get; }
    public int Nbody { get; }
    public int Njnt { get; }
    public int Ngeom { get; }
    public int Nsite { get; }

    /// <summary>Non-zeros of the sparse inertia matrix (each dof's row: itself and its ancestors).</summary>
    public int NM { get; }

    internal IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(MjModel));

    /// <summary>Compiles MJCF text. <paramref name="source"/> names it in error messages.</summary>
    public static MjModel FromXml(string xml, string source = "(MJCF string)")
    {
        MuJoCoRuntime.EnsureLoaded();
        const int errLength = 1024;
        byte* err = stackalloc byte[errLength];
        int rc = Native.rlmj_load_xml_string(xml, out IntPtr model, err, errLength);
        if (rc != 0 || model == IntPtr.Zero)
        {
            string message = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((IntPtr)err) ?? "";
            throw new MuJoCoException($"MuJoCo could not compile {source}: {(message.Length > 0 ? message : "unknown error")}");
        }
        return new MjModel(model);
    }

    public static MjModel FromFile(string path) => FromXml(File.ReadAllText(path), path);

    /// <summary>A deep copy whose fields can be edited without affecting this model.</summary>
    public MjModel Copy()
    {
        if (Native.rlmj_copy_model(Handle, out IntPtr copy) != 0)
            throw new MuJoCoException($"mj_copyModel failed: {Native.LastError()}");
        return new MjModel(copy);
    }

    /// <summary>An integer size of mjModel by its C name (nq, nv, nbody, …).</summary>
    public int Int(string name)
    {
        int value = Native.rlmj_model_int(Handle, name);
        if (value < 0) throw new ArgumentException($"mjModel has no integer field '{name}'.", nameof(name));
        return value;
    }

    /// <summary>Pointer to a double array of mjModel (e.g. body_pos, body_mass, qpos0) or to opt.timestep / opt.gravity.</summary>
    public double* Doubles(string field) => (double*)Pointer(field);

    /// <summary>Pointer to an int array of mjModel (e.g. jnt_qposadr, body_parentid).</summary>
    public int* Ints(string field) => (int*)Pointer(field);

    private IntPtr Pointer(string field)
    {
        IntPtr p = Native.rlmj_model_ptr(Handle, field);
        if (p == IntPtr.Zero) throw new ArgumentException($"mjModel has no array field '{field}' (or it is empty).", nameof(field));
        return p;
    }

    public double Timestep
    {
        get => *Doubles("opt.timestep");
        set => *Doubles("opt.timestep") = value;
    }

    /// <summary>The id of a named object, or an error naming what is missing.</summary>
    public int Id(MjObject type, string name)
    {
        int id = Native.rlmj_name2id(Handle, (int)type, name);
        if (id < 0) throw new ArgumentException($"the model has no {type.ToString().ToLowerInvariant()} named '{name}'.", nameof(name));
        return id;
    }

    public void Dispose()
    {
        IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) Native.rlmj_delete_model(h);
        GC.SuppressFinalize(this);
    }

    ~MjModel()
    {
        IntPtr h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) Native.rlmj_delete_model(h);
    }
}
