using TorchSharp;
using TorchSharp.Modules;

namespace RL.Core.Checkpoints;

/// <summary>
/// Reads the files of one verified checkpoint (every hash was checked when it was opened), from its directory or,
/// for a snapshot (<see cref="CheckpointStore.OpenSnapshot"/>), from the verified bytes held in memory.
/// </summary>
public sealed class CheckpointReader
{
    private readonly IReadOnlyDictionary<string, byte[]>? _snapshot;

    internal CheckpointReader(string directory, CheckpointManifest manifest, IReadOnlyDictionary<string, byte[]>? snapshot = null)
    {
        Directory = directory;
        Manifest = manifest;
        _snapshot = snapshot;
    }

    /// <summary>Where the checkpoint was read from (a snapshot's directory may have been pruned since).</summary>
    public string Directory { get; }
    public CheckpointManifest Manifest { get; }
    public string Name => Manifest.Name;

    public bool Has(string name) => Manifest.Files.Any(f => f.Name == name);

    public Stream Open(string name)
    {
        if (!Has(name)) throw new InvalidDataException($"checkpoint {Name} has no file '{name}' (has: {string.Join(", ", Manifest.Files.Select(f => f.Name))}).");
        if (_snapshot is not null)
            return _snapshot.TryGetValue(name, out byte[]? bytes)
                ? new MemoryStream(bytes, writable: false)
                : throw new InvalidOperationException($"checkpoint {Name}: {name} was not read into this snapshot (read: {string.Join(", ", _snapshot.Keys)}); add it to the files passed to OpenSnapshot.");
        return new FileStream(Path.Combine(Directory, name), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    public void ReadBinary(string name, Action<BinaryReader> read)
    {
        using var s = Open(name);
        using var r = new BinaryReader(s);
        read(r);
        if (s.Position != s.Length)
            throw new InvalidDataException($"checkpoint {Name}: {name} has {s.Length - s.Position} unread bytes (written by another version?).");
    }

    public void ReadModule(string name, torch.nn.Module module)
    {
        using var s = Open(name);
        module.load(s);
    }

    public void ReadOptimizer(string name, RL.Core.Optimization.AdamOptimizer optimizer)
    {
        using var s = Open(name);
        using var r = new BinaryReader(s);
        optimizer.Load(r, $"checkpoint {Name}/{name}");
    }
}
