using System.Buffers.Binary;
using System.Text;
using RL.Core.Native;

namespace RL.Core.Tests;

/// <summary>The weak-version fix of TorchNativeSetup: exact, idempotent, and a no-op where not needed.</summary>
public class ElfPatchTests
{
    private string _dir = "";

    [SetUp]
    public void MakeTempDir()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rl-elf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void RemoveTempDir() => Directory.Delete(_dir, recursive: true);

    /// <summary>A copy of libLibTorchSharp.so with the GLIBCXX_3.4.32 requirement strong, as shipped.</summary>
    private string StrongTorchSharpCopy(string directory)
    {
        string? shipped = TorchNativeSetup.FindTorchSharpLibrary(AppContext.BaseDirectory);
        Assume.That(shipped, Is.Not.Null, "libLibTorchSharp.so is not next to the tests (non-Linux build?)");
        string copy = Path.Combine(directory, TorchNativeSetup.LibraryFileName);
        byte[] bytes = File.ReadAllBytes(shipped!);
        // The copy next to the tests may already carry the fix; undo it to get the package's original bytes.
        var req = ElfVersionNeeds.ReadRequirements(bytes, shipped!).Single(r => r.Version == TorchNativeSetup.RequiredVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)req.FlagsOffset), (ushort)(req.Flags & ~ElfVersionNeeds.VerFlgWeak));
        File.WriteAllBytes(copy, bytes);
        return copy;
    }

    [Test]
    public void PatchSetsOnlyTheWeakFlagOfTheOneRequirement()
    {
        string lib = StrongTorchSharpCopy(_dir);
        byte[] original = File.ReadAllBytes(lib);
        var before = ElfVersionNeeds.ReadRequirements(original, lib);
        Assert.That(before.Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak, Is.False);

        Assert.That(WeakVersionPatcher.MarkWeak(lib, "libstdc++.so.6", "GLIBCXX_3.4.32"), Is.EqualTo(PatchOutcome.Patched));

        byte[] patched = File.ReadAllBytes(lib);
        var after = ElfVersionNeeds.ReadRequirements(patched, lib);
        Assert.That(after.Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak, Is.True);
        Assert.That(after.Where(r => r.Version != "GLIBCXX_3.4.32"), Is.EqualTo(before.Where(r => r.Version != "GLIBCXX_3.4.32")),
            "other requirements changed");
        int differing = original.Zip(patched).Count(p => p.First != p.Second);
        Assert.That(patched.Length, Is.EqualTo(original.Length));
        Assert.That(differing, Is.EqualTo(1), "exactly one byte (the low byte of vna_flags) may change");
    }

    [Test]
    public void PatchIsIdempotent()
    {
        string lib = StrongTorchSharpCopy(_dir);
        WeakVersionPatcher.MarkWeak(lib, "libstdc++.so.6", "GLIBCXX_3.4.32");
        byte[] once = File.ReadAllBytes(lib);
        var stamp = File.GetLastWriteTimeUtc(lib);
        Assert.That(WeakVersionPatcher.MarkWeak(lib, "libstdc++.so.6", "GLIBCXX_3.4.32"), Is.EqualTo(PatchOutcome.AlreadyWeak));
        Assert.That(File.ReadAllBytes(lib), Is.EqualTo(once));
        Assert.That(File.GetLastWriteTimeUtc(lib), Is.EqualTo(stamp), "an already-patched library must not even be rewritten");
    }

    [Test]
    public void LibraryThatDoesNotNeedTheVersionIsLeftByteIdentical()
    {
        string? libstdcxx = TorchNativeSetup.FindLoadedLibStdCxx();
        Assume.That(libstdcxx, Is.Not.Null);
        string copy = Path.Combine(_dir, "libstdc++.so.6");
        File.Copy(libstdcxx!, copy);
        byte[] original = File.ReadAllBytes(copy);
        Assert.That(WeakVersionPatcher.MarkWeak(copy, "libstdc++.so.6", "GLIBCXX_3.4.32"), Is.EqualTo(PatchOutcome.NotRequired));
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(original));
    }

    [Test]
    public void SystemWithANewerLibStdCxxIsLeftUntouched()
    {
        // Simulate a GCC 13+ runtime: a copy of this system's libstdc++ whose newest version name is
        // renamed, in place, to GLIBCXX_3.4.32 (same length, so the ELF stays valid).
        string? libstdcxx = TorchNativeSetup.FindLoadedLibStdCxx();
        Assume.That(libstdcxx, Is.Not.Null);
        byte[] bytes = File.ReadAllBytes(libstdcxx!);
        var defined = ElfVersionNeeds.ReadDefinitions(bytes, libstdcxx!);
        if (!defined.Contains("GLIBCXX_3.4.32"))
        {
            string newest = defined.Where(v => v.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal) && v.Length == 14)
                .OrderBy(v => v, StringComparer.Ordinal).Last();
            byte[] from = Encoding.ASCII.GetBytes(newest + "\0"), to = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0");
            int at = bytes.AsSpan().IndexOf(from);
            to.CopyTo(bytes, at);
        }
        string fakeNew = Path.Combine(_dir, "libstdc++.so.6.0.33");
        File.WriteAllBytes(fakeNew, bytes);
        Assert.That(ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(fakeNew), fakeNew), Does.Contain("GLIBCXX_3.4.32"));

        string app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(app);
        string lib = StrongTorchSharpCopy(app);
        byte[] original = File.ReadAllBytes(lib);

        var status = TorchNativeSetup.Run(app, fakeNew);
        Assert.That(status.SystemHasVersion, Is.True);
        Assert.That(status.Outcome, Is.Null);
        Assert.That(File.ReadAllBytes(lib), Is.EqualTo(original));
    }

    [Test]
    public void OldSystemGetsTheFixInTheApplicationFolder()
    {
        string? libstdcxx = TorchNativeSetup.FindLoadedLibStdCxx();
        Assume.That(libstdcxx, Is.Not.Null);
        Assume.That(ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(libstdcxx!), libstdcxx!), Does.Not.Contain("GLIBCXX_3.4.32"),
            "this machine's libstdc++ is new enough; the fix is not needed here");
        string app = Path.Combine(_dir, "app");
        string native = Path.Combine(app, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        string lib = StrongTorchSharpCopy(native);

        var first = TorchNativeSetup.Run(app, libstdcxx);
        Assert.That(first.Outcome, Is.EqualTo(PatchOutcome.Patched));
        Assert.That(first.Library, Is.EqualTo(lib));
        var second = TorchNativeSetup.Run(app, libstdcxx);
        Assert.That(second.Outcome, Is.EqualTo(PatchOutcome.AlreadyWeak));
        Assert.That(second.FixApplied, Is.True);
    }

    [Test]
    public void GarbageIsAClearErrorNotACrash()
    {
        string bad = Path.Combine(_dir, "bad.so");
        File.WriteAllBytes(bad, Encoding.ASCII.GetBytes("this is not an ELF file, just text long enough for a header............"));
        var e = Assert.Throws<InvalidDataException>(() => WeakVersionPatcher.MarkWeak(bad, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        Assert.That(e!.Message, Does.Contain("bad.so").And.Contain("not an ELF"));
    }
}
