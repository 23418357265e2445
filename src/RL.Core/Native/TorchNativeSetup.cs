using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RL.Core.Native;

/// <summary>The state of TorchSharp's native library on this machine, as found by <see cref="TorchNativeSetup"/>.</summary>
/// <param name="SystemLibStdCxx">Path of the libstdc++ the process uses, when it could be found.</param>
/// <param name="SystemHasVersion">Whether that libstdc++ defines <see cref="TorchNativeSetup.RequiredVersion"/>.</param>
/// <param name="Library">The libLibTorchSharp.so next to the application that TorchSharp will load.</param>
/// <param name="Outcome">What the compatibility fix did, or null when it was not needed or not possible.</param>
/// <param name="Problem">Why the library may still fail to load, or null.</param>
public sealed record TorchNativeStatus(string? SystemLibStdCxx, bool SystemHasVersion, string? Library, PatchOutcome? Outcome, string? Problem)
{
    /// <summary>True when this machine needed the weak-version fix and it is in place.</summary>
    public bool FixApplied => Outcome is PatchOutcome.Patched or PatchOutcome.AlreadyWeak;

    public string Describe() => Problem is not null
        ? Problem
        : !OperatingSystem.IsLinux() ? "not Linux: no fix needed"
        : SystemHasVersion ? $"{SystemLibStdCxx} provides {TorchNativeSetup.RequiredVersion}: library left untouched"
        : Outcome switch
        {
            PatchOutcome.Patched => $"{TorchNativeSetup.RequiredVersion} missing from {SystemLibStdCxx}: marked weak in {Library} (fix applied now)",
            PatchOutcome.AlreadyWeak => $"{TorchNativeSetup.RequiredVersion} missing from {SystemLibStdCxx}: already weak in {Library} (fix applied)",
            PatchOutcome.NotRequired => $"{Library} does not require {TorchNativeSetup.RequiredVersion}: no fix needed",
            _ => "unknown",
        };
}

/// <summary>
/// Makes TorchSharp 0.107.0's native library load on systems whose libstdc++ predates GCC 13 (Debian 12,
/// Ubuntu 22.04). libLibTorchSharp.so requires GLIBCXX_3.4.32 only for std::ios_base_library_init(), which it
/// references but never calls (TorchSharp's Linux CI moved to Ubuntu 26.04, RELEASENOTES #1552), so marking
/// that one requirement weak is enough. Runs once per process, before the first native TorchSharp call;
/// systems whose libstdc++ has the version are left untouched, and the shared NuGet cache is never written.
/// </summary>
public static class TorchNativeSetup
{
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    public const string NeededFile = "libstdc++.so.6";
    public const string LibraryFileName = "libLibTorchSharp.so";

    private static readonly object Gate = new();
    private static TorchNativeStatus? _status;

    /// <summary>Applies the fix where needed (once per process) and returns what was found.</summary>
    public static TorchNativeStatus EnsureLoadable()
    {
        lock (Gate)
        {
            return _status ??= Run(AppContext.BaseDirectory, FindLoadedLibStdCxx());
        }
    }

#pragma warning disable CA2255 // A library initializer on purpose: any use of RL.Core patches before TorchSharp loads.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void OnModuleLoad()
    {
        try { EnsureLoadable(); }
        catch (Exception) { /* reported by EnsureLoadable's status and by the load error itself */ }
    }

    /// <summary>
    /// Decides and applies the fix for the library under <paramref name="appDirectory"/>, given the libstdc++
    /// the process uses (<paramref name="libstdcxx"/>).
    /// </summary>
    public static TorchNativeStatus Run(string appDirectory, string? libstdcxx)
    {
        if (!OperatingSystem.IsLinux())
            return new TorchNativeStatus(null, true, null, null, null);
        if (libstdcxx is null)
            return new TorchNativeStatus(null, false, null, null, "could not find the libstdc++.so.6 this process uses");
        bool hasVersion = ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(libstdcxx), libstdcxx).Contains(RequiredVersion);
        string? library = FindTorchSharpLibrary(appDirectory);
        if (hasVersion)
            return new TorchNativeStatus(libstdcxx, true, library, null, null);
        if (library is null)
            return new TorchNativeStatus(libstdcxx, false, null, null,
                $"{LibraryFileName} not found under {appDirectory}: is TorchSharp-cpu (or -cuda-linux) referenced by the application?");
        try
        {
            var outcome = WeakVersionPatcher.MarkWeak(library, NeededFile, RequiredVersion);
            return new TorchNativeStatus(libstdcxx, false, library, outcome, null);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new TorchNativeStatus(libstdcxx, false, library, null,
                $"{RequiredVersion} is missing from {libstdcxx} and {library} could not be patched ({e.Message}); " +
                "run once with write access to the application folder, or install a libstdc++ from GCC 13 or newer");
        }
    }

    /// <summary>The libLibTorchSharp.so the runtime resolves for this application (RID-specific or portable layout).</summary>
    public static string? FindTorchSharpLibrary(string appDirectory)
    {
        string[] candidates =
        {
            Path.Combine(appDirectory, LibraryFileName),
            Path.Combine(appDirectory, "runtimes", "linux-x64", "native", LibraryFileName),
        };
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The libstdc++ mapped into this process. The .NET host already maps it on Linux; otherwise it is loaded
    /// through the normal search path, which is also what libLibTorchSharp.so will get.
    /// </summary>
    public static string? FindLoadedLibStdCxx()
    {
        string? mapped = MappedLibStdCxx();
        if (mapped is not null) return mapped;
        if (!NativeLibrary.TryLoad(NeededFile, out _)) return null;
        return MappedLibStdCxx();
    }

    private static string? MappedLibStdCxx()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        foreach (string line in File.ReadLines(maps))
        {
            int slash = line.IndexOf('/');
            if (slash < 0) continue;
            string path = line[slash..].Trim();
            if (Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal)) return path;
        }
        return null;
    }

    /// <summary>Loads TorchSharp's CPU backend and returns null, or the reason it failed.</summary>
    public static string? TryLoadBackend()
    {
        var status = EnsureLoadable();
        try
        {
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            return null;
        }
        catch (Exception e)
        {
            string first = e.Message.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? e.GetType().Name;
            return $"{first} [{status.Describe()}]";
        }
    }

    /// <summary>The TorchSharp package version compiled in, from the assembly's informational version.</summary>
    public static string TorchSharpVersion =>
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
}
