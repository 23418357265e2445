using System.Buffers.Binary;
using System.Text;

namespace RL.Core.Native;

/// <summary>One symbol-version requirement of an ELF shared library (an entry of <c>.gnu.version_r</c>).</summary>
/// <param name="File">The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The <c>vna_flags</c> field; <see cref="ElfVersionNeeds.VerFlgWeak"/> marks a weak requirement.</param>
/// <param name="FlagsOffset">File offset of the 16-bit <c>vna_flags</c> field.</param>
public sealed record ElfVersionRequirement(string File, string Version, ushort Flags, long FlagsOffset)
{
    public bool IsWeak => (Flags & ElfVersionNeeds.VerFlgWeak) != 0;
}

/// <summary>
/// Reads the GNU symbol-versioning sections of a little-endian ELF64 file: the versions it needs
/// (<c>.gnu.version_r</c>, SHT_GNU_verneed) and the versions it defines (<c>.gnu.version_d</c>,
/// SHT_GNU_verdef). Layouts follow the LSB Core spec, "Symbol Versioning".
/// </summary>
public static class ElfVersionNeeds
{
    /// <summary>VER_FLG_WEAK: the dynamic loader accepts a missing version instead of refusing to load.</summary>
    public const ushort VerFlgWeak = 0x2;

    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Every version requirement of the file, in section order.</summary>
    public static IReadOnlyList<ElfVersionRequirement> ReadRequirements(ReadOnlySpan<byte> elf, string source)
    {
        var result = new List<ElfVersionRequirement>();
        foreach (var section in Sections(elf, source))
        {
            if (section.Type != ShtGnuVerneed) continue;
            var strtab = SectionAt(elf, source, (int)section.Link);
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                Check(elf, source, entry, 16);
                ushort count = U16(elf, entry + 2);
                string file = CString(elf, source, strtab.Offset + U32(elf, entry + 4));
                long aux = entry + U32(elf, entry + 8);
                for (int j = 0; j < count; j++)
                {
                    Check(elf, source, aux, 16);
                    ushort flags = U16(elf, aux + 4);
                    string name = CString(elf, source, strtab.Offset + U32(elf, aux + 8));
                    result.Add(new ElfVersionRequirement(file, name, flags, aux + 4));
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, entry + 12);
                if (next == 0) break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>Every version name the file defines (for libstdc++: GLIBCXX_3.4, …, GLIBCXX_3.4.30, …).</summary>
    public static IReadOnlySet<string> ReadDefinitions(ReadOnlySpan<byte> elf, string source)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in Sections(elf, source))
        {
            if (section.Type != ShtGnuVerdef) continue;
            var strtab = SectionAt(elf, source, (int)section.Link);
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                Check(elf, source, entry, 20);
                ushort count = U16(elf, entry + 6);
                long aux = entry + U32(elf, entry + 12);
                // The first Verdaux names the version itself; later ones name its parents.
                if (count > 0)
                {
                    Check(elf, source, aux, 8);
                    result.Add(CString(elf, source, strtab.Offset + U32(elf, aux)));
                }
                uint next = U32(elf, entry + 16);
                if (next == 0) break;
                entry += next;
            }
        }
        return result;
    }

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info);

    private static List<Section> Sections(ReadOnlySpan<byte> elf, string source)
    {
        Check(elf, source, 0, 64);
        if (elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{source}: not an ELF file (bad magic).");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{source}: only little-endian ELF64 is supported (class {elf[4]}, data {elf[5]}).");
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        if (shoff == 0 || shnum == 0)
            throw new InvalidDataException($"{source}: the file has no section headers, so its version sections cannot be read.");
        if (shentsize < 64)
            throw new InvalidDataException($"{source}: section header size {shentsize} is smaller than ELF64's 64 bytes.");
        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            Check(elf, source, h, 64);
            sections.Add(new Section(U32(elf, h + 4), (long)U64(elf, h + 24), (long)U64(elf, h + 32), U32(elf, h + 40), U32(elf, h + 44)));
        }
        return sections;
    }

    private static Section SectionAt(ReadOnlySpan<byte> elf, string source, int index)
    {
        var all = Sections(elf, source);
        if (index <= 0 || index >= all.Count)
            throw new InvalidDataException($"{source}: version section links to section {index}, which does not exist.");
        return all[index];
    }

    private static string CString(ReadOnlySpan<byte> elf, string source, long offset)
    {
        Check(elf, source, offset, 1);
        var rest = elf[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException($"{source}: unterminated string at offset {offset}.");
        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static void Check(ReadOnlySpan<byte> elf, string source, long offset, int length)
    {
        if (offset < 0 || offset + length > elf.Length)
            throw new InvalidDataException($"{source}: truncated ELF file (needs bytes {offset}..{offset + length}, has {elf.Length}).");
    }

    private static ushort U16(ReadOnlySpan<byte> b, long o) => BinaryPrimitives.ReadUInt16LittleEndian(b[(int)o..]);
    private static uint U32(ReadOnlySpan<byte> b, long o) => BinaryPrimitives.ReadUInt32LittleEndian(b[(int)o..]);
    private static ulong U64(ReadOnlySpan<byte> b, long o) => BinaryPrimitives.ReadUInt64LittleEndian(b[(int)o..]);
}
