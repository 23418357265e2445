using System.Globalization;
using System.Security.Cryptography;
using RL.Core.Logging;

namespace RL.Core.Checkpoints;

/// <summary>
/// The checkpoints of a run (reliability.md R11, R12; ecosystem.md §5). Each checkpoint is a directory
/// <c>step_N/</c> written as <c>.tmp-step_N-pid/</c>: files fsynced, manifest (with SHA-256 per file) written
/// last, directory renamed into place and its parent fsynced; only then does the <c>latest</c> pointer move.
/// The last <c>keep_last</c> checkpoints and the best-scoring one are kept. Opening verifies every hash; a
/// corrupt or incomplete checkpoint is skipped with a message naming the file and the mismatch, and the
/// previous one is used.
/// </summary>
public sealed class CheckpointStore
{
    public const string LatestPointer = "latest";
    public const string BestPointer = "best";
    private const string Prefix = "step_";

    public CheckpointStore(string directory, int keepLast = 3, bool keepBest = true)
    {
        if (keepLast < 1) throw new ArgumentOutOfRangeException(nameof(keepLast), keepLast, "keep at least one checkpoint.");
        Root = directory;
        KeepLast = keepLast;
        KeepBest = keepBest;
    }

    public string Root { get; }
    public int KeepLast { get; }
    public bool KeepBest { get; }

    public static string NameFor(long step) => $"{Prefix}{step.ToString("D10", CultureInfo.InvariantCulture)}";

    /// <summary>Removes temporary directories left by a process killed mid-write (R11).</summary>
    public IReadOnlyList<string> CleanStale()
    {
        if (!Directory.Exists(Root)) return Array.Empty<string>();
        var removed = new List<string>();
        foreach (string dir in Directory.GetDirectories(Root, ".tmp-*"))
        {
            Directory.Delete(dir, recursive: true);
            removed.Add(Path.GetFileName(dir));
        }
        return removed;
    }

    /// <summary>Writes checkpoint <paramref name="step"/> atomically and prunes old ones; returns its manifest.</summary>
    public CheckpointManifest Save(long step, string kind, double? score, Action<CheckpointWriter> write, IReadOnlyDictionary<string, string>? meta = null)
    {
        Directory.CreateDirectory(Root);
        string name = NameFor(step);
        string final = Path.Combine(Root, name);
        string temp = Path.Combine(Root, $".tmp-{name}-{Environment.ProcessId}");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        try
        {
            var writer = new CheckpointWriter(temp);
            write(writer);
            var manifest = new CheckpointManifest
            {
                Name = name,
                Kind = kind,
                Step = step,
                CreatedUtc = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                Score = score,
                Meta = meta is null ? new() : new(meta),
                Files = writer.Files.ToList(),
            };
            AtomicFile.WriteAllText(Path.Combine(temp, CheckpointManifest.FileName), manifest.ToJson());
            AtomicFile.SyncDirectory(temp);
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(temp, final);
            AtomicFile.SyncDirectory(Root);
            AtomicFile.WriteAllText(Path.Combine(Root, LatestPointer), name + "\n");
            if (score is double s && KeepBest && (ReadBestScore() is not double best || s > best))
                AtomicFile.WriteAllText(Path.Combine(Root, BestPointer), name + "\n");
            Prune();
            return manifest;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>Checkpoint directory names, newest first.</summary>
    public IReadOnlyList<string> List() =>
        !Directory.Exists(Root)
            ? Array.Empty<string>()
            : Directory.GetDirectories(Root, Prefix + "*").Select(Path.GetFileName).OfType<string>()
                .OrderByDescending(n => n, StringComparer.Ordinal).ToList();

    /// <summary>The name the pointer file (<see cref="LatestPointer"/> or <see cref="BestPointer"/>) names, if any.</summary>
    public string? Pointer(string pointer)
    {
        string path = Path.Combine(Root, pointer);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>
    /// Opens the newest checkpoint that verifies. <paramref name="skipped"/> receives one message per checkpoint
    /// passed over (naming the file and the mismatch). Null when none verifies.
    /// </summary>
    public CheckpointReader? OpenLatestValid(List<string> skipped)
    {
        var candidates = new List<string>();
        if (Pointer(LatestPointer) is string latest) candidates.Add(latest);
        candidates.AddRange(List().Where(n => !candidates.Contains(n)));
        foreach (string name in candidates)
        {
            try
            {
                return Open(name);
            }
            catch (InvalidDataException e)
            {
                skipped.Add(e.Message);
            }
        }
        return null;
    }

    /// <summary>Opens and verifies one checkpoint: "latest", "best", or a directory name such as step_0000001000.</summary>
    public CheckpointReader Open(string name)
    {
        if (name is LatestPointer or BestPointer)
            name = Pointer(name) ?? throw new InvalidDataException($"{Root}: no '{name}' checkpoint has been recorded.");
        string dir = Path.Combine(Root, name);
        if (!Directory.Exists(dir)) throw new InvalidDataException($"checkpoint {name}: directory {dir} does not exist.");
        string manifestPath = Path.Combine(dir, CheckpointManifest.FileName);
        if (!File.Exists(manifestPath)) throw new InvalidDataException($"checkpoint {name}: {CheckpointManifest.FileName} is missing (incomplete or damaged checkpoint).");
        CheckpointManifest manifest;
        try
        {
            manifest = CheckpointManifest.Parse(File.ReadAllText(manifestPath), manifestPath);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"checkpoint {name}: {CheckpointManifest.FileName} is not valid JSON ({e.Message}).");
        }
        if (manifest.Format != CheckpointManifest.CurrentFormat)
            throw new InvalidDataException($"checkpoint {name}: manifest format {manifest.Format} is not {CheckpointManifest.CurrentFormat}.");
        foreach (var file in manifest.Files)
        {
            string path = Path.Combine(dir, file.Name);
            if (!File.Exists(path)) throw new InvalidDataException($"checkpoint {name}: file {file.Name} is missing.");
            long length = new FileInfo(path).Length;
            if (length != file.Bytes)
                throw new InvalidDataException($"checkpoint {name}: file {file.Name} has {length} bytes, the manifest says {file.Bytes} (truncated or overwritten).");
            string actual;
            using (var s = File.OpenRead(path)) actual = Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
            if (actual != file.Sha256)
                throw new InvalidDataException($"checkpoint {name}: file {file.Name} has SHA-256 {actual[..12]}…, the manifest says {file.Sha256[..12]}… (corrupted).");
        }
        return new CheckpointReader(dir, manifest);
    }

    private double? ReadBestScore()
    {
        string? best = Pointer(BestPointer);
        if (best is null) return null;
        string path = Path.Combine(Root, best, CheckpointManifest.FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return CheckpointManifest.Parse(File.ReadAllText(path), path).Score;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            return null;
        }
    }

    private void Prune()
    {
        string? best = KeepBest ? Pointer(BestPointer) : null;
        string? latest = Pointer(LatestPointer);
        foreach (string name in List().Skip(KeepLast))
        {
            if (name == best || name == latest) continue;
            Directory.Delete(Path.Combine(Root, name), recursive: true);
        }
    }
}
