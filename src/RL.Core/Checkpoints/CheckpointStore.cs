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

    /// <summary>
    /// Removes temporary directories left by a process killed mid-write (R11). A temporary directory whose writer
    /// (the pid at the end of its name) is still running is left alone: it may be a live trainer's checkpoint in
    /// the making (issue 10, part 4).
    /// </summary>
    public IReadOnlyList<string> CleanStale()
    {
        if (!Directory.Exists(Root)) return Array.Empty<string>();
        var removed = new List<string>();
        foreach (string dir in Directory.GetDirectories(Root, ".tmp-*"))
        {
            string name = Path.GetFileName(dir);
            if (WriterPid(name) is int pid && pid != Environment.ProcessId && ProcessLiveness.IsAlive(pid)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(name);
            }
            catch (DirectoryNotFoundException)
            {
                // Its writer renamed or removed it meanwhile.
            }
        }
        return removed;
    }

    /// <summary>The pid in a temporary directory name <c>.tmp-step_N-pid</c>, or null when it has none.</summary>
    private static int? WriterPid(string tempName)
    {
        int dash = tempName.LastIndexOf('-');
        return dash > 0 && int.TryParse(tempName.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
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

    /// <summary>
    /// The manifest of checkpoint <paramref name="name"/> (a directory name) without verifying its files, or null when
    /// it has none that parses: for listing what a run has (`rl eval --checkpoint` with an unknown name, issue 11).
    /// </summary>
    public CheckpointManifest? TryReadManifest(string name)
    {
        try
        {
            return ReadManifest(name, Path.Combine(Root, name));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The name the pointer file (<see cref="LatestPointer"/> or <see cref="BestPointer"/>) names, if any.</summary>
    public string? Pointer(string pointer)
    {
        string path = Path.Combine(Root, pointer);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>
    /// Opens the newest checkpoint that verifies. <paramref name="skipped"/> receives one message per checkpoint
    /// passed over (naming the file and the mismatch). Null when none verifies. <paramref name="open"/> opens one
    /// by name (default <see cref="Open"/>; a reader beside a live trainer passes <see cref="OpenSnapshot"/>).
    /// </summary>
    public CheckpointReader? OpenLatestValid(List<string> skipped, Func<string, CheckpointReader>? open = null)
    {
        open ??= Open;
        // The pointer itself first (not the name it holds now), so a snapshot follows it when a live trainer moves it on.
        var candidates = new List<string>();
        string? latest = Pointer(LatestPointer);
        if (latest is not null) candidates.Add(LatestPointer);
        candidates.AddRange(List().Where(n => n != latest));
        foreach (string name in candidates)
        {
            try
            {
                return open(name);
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
        name = Resolve(name);
        string dir = Path.Combine(Root, name);
        if (!Directory.Exists(dir)) throw new InvalidDataException($"checkpoint {name}: directory {dir} does not exist.");
        var manifest = ReadManifest(name, dir);
        foreach (var file in manifest.Files)
        {
            string path = Path.Combine(dir, file.Name);
            if (!File.Exists(path)) throw new InvalidDataException($"checkpoint {name}: file {file.Name} is missing.");
            long length = new FileInfo(path).Length;
            string actual;
            using (var s = File.OpenRead(path)) actual = length == file.Bytes ? Sha256(s) : "";
            Verify(name, file, length, actual);
        }
        return new CheckpointReader(dir, manifest);
    }

    /// <summary>
    /// Reads one verified checkpoint into memory ("latest", "best" or a directory name), for a reader that runs
    /// beside a live trainer (`rl eval`): the trainer may prune the checkpoint right after it was verified, which
    /// made 5 of 6 evaluations during training fail with DirectoryNotFoundException (issue 10, part 4). The hashes
    /// are checked on the bytes in memory, so what is used is exactly what was verified. Only
    /// <paramref name="files"/> are read (all when null): an evaluation needs the policy, not the replay buffer.
    /// When a pointer's checkpoint vanishes while it is read, the pointer is read again and its new checkpoint is
    /// used; a named checkpoint that vanishes is an error that says why.
    /// </summary>
    public CheckpointReader OpenSnapshot(string name, IReadOnlyCollection<string>? files = null)
    {
        const int attempts = 10;
        for (int attempt = 1; ; attempt++)
        {
            string resolved = Resolve(name);
            try
            {
                return Snapshot(resolved, files);
            }
            catch (CheckpointVanishedException e)
            {
                bool pointerMoved = name is LatestPointer or BestPointer && Pointer(name) != resolved;
                // A trainer that saves a step again (its final checkpoint at the step of a periodic one) deletes the
                // old directory just before renaming the new one into place: wait for it briefly.
                bool rewriting = !pointerMoved && attempt < 3;
                if (rewriting) Thread.Sleep(100);
                if ((!pointerMoved && !rewriting) || attempt == attempts)
                    throw new InvalidDataException(
                        $"checkpoint {resolved} does not exist (any more): {e.Message} A running trainer keeps only the last checkpoint.keep_last and the best; use 'best' or 'latest', or one of: {string.Join(", ", List())}.", e);
            }
            catch (InvalidDataException) when (attempt < 3 && Directory.Exists(Path.Combine(Root, resolved)))
            {
                // Files that do not match their manifest may be a checkpoint being rewritten under this name (see
                // above); a real corruption still fails on the third read.
                Thread.Sleep(100);
            }
        }
    }

    private CheckpointReader Snapshot(string name, IReadOnlyCollection<string>? files)
    {
        string dir = Path.Combine(Root, name);
        try
        {
            if (!Directory.Exists(dir)) throw new InvalidDataException($"checkpoint {name}: directory {dir} does not exist.");
            var manifest = ReadManifest(name, dir);
            if (files is not null)
                foreach (string wanted in files)
                    if (!manifest.Files.Any(f => f.Name == wanted))
                        throw new InvalidDataException($"checkpoint {name} has no file '{wanted}' (has: {string.Join(", ", manifest.Files.Select(f => f.Name))}).");
            var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var file in manifest.Files)
            {
                if (files is not null && !files.Contains(file.Name)) continue;
                byte[] bytes = File.ReadAllBytes(Path.Combine(dir, file.Name));
                Verify(name, file, bytes.Length, bytes.Length == file.Bytes ? Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant() : "");
                contents[file.Name] = bytes;
            }
            return new CheckpointReader(dir, manifest, contents);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || (e is InvalidDataException && !Directory.Exists(dir)))
        {
            throw new CheckpointVanishedException(e.Message, e);
        }
    }

    private string Resolve(string name) =>
        name is LatestPointer or BestPointer
            ? Pointer(name) ?? throw new InvalidDataException($"{Root}: no '{name}' checkpoint has been recorded.")
            : name;

    private static CheckpointManifest ReadManifest(string name, string dir)
    {
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
        return manifest;
    }

    private static string Sha256(Stream s) => Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();

    /// <summary>Checks one file's length and hash (<paramref name="sha256"/> is only computed when the length matches).</summary>
    private static void Verify(string name, CheckpointFile file, long length, string sha256)
    {
        if (length != file.Bytes)
            throw new InvalidDataException($"checkpoint {name}: file {file.Name} has {length} bytes, the manifest says {file.Bytes} (truncated or overwritten).");
        if (sha256 != file.Sha256)
            throw new InvalidDataException($"checkpoint {name}: file {file.Name} has SHA-256 {sha256[..12]}…, the manifest says {file.Sha256[..12]}… (corrupted).");
    }

    /// <summary>A checkpoint's directory or one of its files disappeared while it was read (pruned by a live trainer).</summary>
    private sealed class CheckpointVanishedException(string message, Exception inner) : Exception(message, inner);

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
