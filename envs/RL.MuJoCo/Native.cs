using System.Reflection;
using System.Runtime.InteropServices;

namespace RL.MuJoCo;

/// <summary>P/Invoke surface of native/rlmujoco.c. Every call that can reach mju_error returns 0 or -1.</summary>
internal static unsafe partial class Native
{
    private const string Shim = "rlmujoco";

    static Native()
    {
        NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
    }

    // The shim lives next to the application (copied from RL.MuJoCo's build). It links libmujoco.so.2.2.2
    // by its soname, so a runtime-only install (no -dev symlink) is enough to run.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Shim) return IntPtr.Zero;
        foreach (string dir in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(assembly.Location) ?? "" })
        {
            string candidate = Path.Combine(dir, "librlmujoco.so");
            if (File.Exists(candidate)) return NativeLibrary.Load(candidate);
        }
        return IntPtr.Zero;
    }

    [LibraryImport(Shim)] internal static partial int rlmj_init();
    [LibraryImport(Shim)] internal static partial int rlmj_header_version();
    [LibraryImport(Shim)] internal static partial IntPtr rlmj_last_error();
    [LibraryImport(Shim)] internal static partial IntPtr rlmj_last_warning();
    [LibraryImport(Shim)] internal static partial long rlmj_warning_count();
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rlmj_load_xml_string(string xml, out IntPtr model, byte* err, int errlen);
    [LibraryImport(Shim)] internal static partial int rlmj_make_data(IntPtr m, out IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_copy_model(IntPtr m, out IntPtr copy);
    [LibraryImport(Shim)] internal static partial void rlmj_delete_data(IntPtr d);
    [LibraryImport(Shim)] internal static partial void rlmj_delete_model(IntPtr m);
    [LibraryImport(Shim)] internal static partial int rlmj_reset_data(IntPtr m, IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_step(IntPtr m, IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_step1(IntPtr m, IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_step2(IntPtr m, IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_forward(IntPtr m, IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_kinematics(IntPtr m, IntPtr d);
    [LibraryImport(Shim)] internal static partial int rlmj_solve_m(IntPtr m, IntPtr d, double* x, double* y, int n);
    [LibraryImport(Shim)] internal static partial int rlmj_full_m(IntPtr m, IntPtr d, double* dst);
    [LibraryImport(Shim)] internal static partial int rlmj_ltdl_factor(IntPtr m, IntPtr d, double* damping, double h, double* ld);
    [LibraryImport(Shim)] internal static partial void rlmj_ltdl_solve_upper(IntPtr m, double* ld, double* rhs, int count);
    [LibraryImport(Shim)] internal static partial void rlmj_ltdl_solve_lower(IntPtr m, double* ld, double* rhs, int count);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)] internal static partial int rlmj_model_int(IntPtr m, string name);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr rlmj_model_ptr(IntPtr m, string name);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr rlmj_data_ptr(IntPtr d, string name);
    [LibraryImport(Shim)] internal static partial int rlmj_nwarning();
    [LibraryImport(Shim)] internal static partial int rlmj_sizeof_warningstat();
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)] internal static partial int rlmj_name2id(IntPtr m, int type, string name);

    internal static string LastError() => Marshal.PtrToStringUTF8(rlmj_last_error()) ?? "";
    internal static string LastWarning() => Marshal.PtrToStringUTF8(rlmj_last_warning()) ?? "";
}
