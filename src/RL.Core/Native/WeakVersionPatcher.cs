using System.Buffers.Binary;

namespace RL.Core.Native;

/// <summary>What <see cref="WeakVersionPatcher.MarkWeak"/> did to a library.</summary>
public enum PatchOutcome
{
    /// <summary>The library does not require the version at all: nothing written.</summary>
    NotRequired,
    /// <summary>The requirement was already weak (an earlier run patched it): nothing written.</summary>
    AlreadyWeak,
    /// <summary>The requirement was strong and is now weak: a patched copy replaced the file by rename.</summary>
    Patched,
}

/// <summary>
/// Marks one symbol-version requirement of an ELF library weak (VER_FLG_WEAK on its Vernaux entry), so the
/// dynamic loader accepts a system library that lacks the version. glibc only refuses a missing version
/// when the requirement is strong (elf/dl-version.c, match_symbol); a symbol bound to it that is never
/// called (lazy binding) is never looked up.
/// </summary>
public static class WeakVersionPatcher
{
    /// <summary>
    /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> from <paramref name="neededFile"/>.
    /// Idempotent. The file is never edited in place: the patched bytes go to a temporary file in the same
    /// folder, which then replaces the original by rename. A hard link to the NuGet cache therefore keeps
    /// pointing at the untouched original, and a process that has the old file mapped keeps its copy.
    /// </summary>
    public static PatchOutcome MarkWeak(string path, string neededFile, string version)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var requirement = ElfVersionNeeds.ReadRequirements(bytes, path)
            .FirstOrDefault(r => r.File == neededFile && r.Version == version);
        if (requirement is null) return PatchOutcome.NotRequired;
        if (requirement.IsWeak) return PatchOutcome.AlreadyWeak;

        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)requirement.FlagsOffset),
            (ushort)(requirement.Flags | ElfVersionNeeds.VerFlgWeak));
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return PatchOutcome.Patched;
    }
}
