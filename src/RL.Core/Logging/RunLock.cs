using System.Globalization;

namespace RL.Core.Logging;

/// <summary>
/// The exclusive claim of one `rl train` process on a run directory (issue 10, part 4: two trainers on one run
/// wrote checkpoints of the same names and tore progress.csv rows). It is an flock(2) on <see cref="FileName"/>
/// taken through <see cref="FileShare.None"/>, which .NET implements with flock LOCK_EX on Unix: the kernel drops
/// it when the process exits in any way, SIGKILL included, so a killed trainer never leaves the run locked. The
/// file itself stays (deleting a locked file races with a process opening it); only a live lock counts. Who holds
/// it is written next to it in <see cref="OwnerFileName"/>, because a second process cannot read a file that is
/// flocked exclusively through .NET (its reads take a shared flock).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "train.lock";
    public const string OwnerFileName = "train.lock.owner";

    private readonly FileStream _stream;
    private readonly string _ownerPath;

    private RunLock(FileStream stream, string ownerPath, string owner, bool effective)
    {
        _stream = stream;
        _ownerPath = ownerPath;
        Owner = owner;
        Effective = effective;
    }

    /// <summary>The owner line this process wrote: pid, host, start time and command.</summary>
    public string Owner { get; }

    /// <summary>
    /// False when the file system (or DOTNET_SYSTEM_IO_DISABLEFILELOCKING) ignores flock: the lock was taken but
    /// protects nothing, which the trainer says rather than failing a run that worked before.
    /// </summary>
    public bool Effective { get; }

    /// <summary>
    /// Takes the lock of <paramref name="runDirectory"/> or throws <see cref="RunLockedException"/> naming the
    /// process that holds it. Never waits: a second trainer is refused at once.
    /// </summary>
    public static RunLock Acquire(string runDirectory, string command = "rl train")
    {
        string path = Path.Combine(runDirectory, FileName);
        string ownerPath = Path.Combine(runDirectory, OwnerFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsLockConflict(e))
        {
            throw new RunLockedException(Path.GetFullPath(runDirectory), ReadOwner(ownerPath), e);
        }
        bool effective;
        try
        {
            // flock locks conflict between two opens in one process too: if this second open succeeds, nothing is locked.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            effective = false;
        }
        catch (IOException e) when (IsLockConflict(e))
        {
            effective = true;
        }
        string owner = string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId} on {Environment.MachineName}, {command} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
        try
        {
            AtomicFile.WriteAllText(ownerPath, owner + "\n");
            // The same line in the lock file itself, for `cat train.lock` (cat takes no flock).
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(owner + "\n"));
            stream.Flush(true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunLock(stream, ownerPath, owner, effective);
    }

    /// <summary>
    /// Whether a live process holds the lock of <paramref name="runDirectory"/> now (<paramref name="owner"/> says
    /// who), without taking it or writing anything: `rl sweep` uses it to leave a cell that someone trains alone.
    /// </summary>
    public static bool IsHeld(string runDirectory, out string? owner)
    {
        owner = null;
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException e) when (IsLockConflict(e))
        {
            owner = ReadOwner(Path.Combine(runDirectory, OwnerFileName));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether opening failed because another open holds the flock: .NET reports flock's EWOULDBLOCK as an
    /// IOException whose HResult is the errno (11 on Linux, 35 on macOS; measured with .NET 10 on Debian 12).
    /// Any other I/O error (read-only disk, I/O error) is not a lock and is not reported as one.
    /// </summary>
    private static bool IsLockConflict(IOException e) =>
        OperatingSystem.IsWindows() ? e.HResult == unchecked((int)0x80070020) /* ERROR_SHARING_VIOLATION */
        : OperatingSystem.IsLinux() ? e.HResult == 11
        : e.HResult == 35;

    /// <summary>The recorded owner of a run's lock, or null when none was recorded (or it cannot be read).</summary>
    public static string? ReadOwner(string ownerPath)
    {
        try
        {
            return File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Releases the lock (the kernel does the same when the process dies).</summary>
    public void Dispose()
    {
        try
        {
            // Removed while still holding the lock, so it never names a process that has let go.
            if (ReadOwner(_ownerPath) == Owner) File.Delete(_ownerPath);
        }
        catch (IOException)
        {
        }
        _stream.Dispose();
    }
}

/// <summary>Another live process trains this run directory (see <see cref="RunLock"/>).</summary>
public sealed class RunLockedException : IOException
{
    public RunLockedException(string runDirectory, string? owner, Exception? inner = null)
        : base($"{runDirectory} is locked by another process ({owner ?? "owner not recorded yet"}): it is being trained. " +
               "Wait for that trainer to finish or stop it (Ctrl-C or kill; a killed trainer releases the lock), then resume. " +
               "rl eval can read the run meanwhile.", inner)
    {
        RunDirectory = runDirectory;
        Owner = owner;
    }

    public string RunDirectory { get; }

    /// <summary>"pid N on host, rl train since time", or null when it was not recorded.</summary>
    public string? Owner { get; }
}
