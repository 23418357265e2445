namespace RL.Core.Logging;

/// <summary>
/// The directory of one run (ecosystem.md §5): config.yaml (effective config, derived seeds, versions, written
/// once when the run starts), resumes.yaml (one record per resume with its overrides), progress.csv,
/// episodes.csv, evaluations.csv (the trainer's evaluations), eval/ (one CSV per `rl eval`), tb/ (TensorBoard
/// events), checkpoints/, train.lock (held by the live trainer, see <see cref="RunLock"/>) and error.log (stack
/// traces of unexpected failures). Every file can be read without the framework; each CSV's columns are described
/// (unit, meaning) in a sidecar beside it (<see cref="CsvColumns"/>, issue 11). docs/run-directory.md says the same for users.
/// </summary>
public sealed class RunDirectory
{
    private RunDirectory(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }
    public string Name => Path.GetFileName(Root);
    public string ConfigPath => Path.Combine(Root, "config.yaml");
    public string ProgressPath => Path.Combine(Root, "progress.csv");
    public string EpisodesPath => Path.Combine(Root, "episodes.csv");
    public string EvaluationsPath => Path.Combine(Root, "evaluations.csv");
    public string ResumesPath => Path.Combine(Root, "resumes.yaml");

    /// <summary>Where `rl eval` writes its results, one file per run of it, so no trainer rewrites them.</summary>
    public string EvalDirectory => Path.Combine(Root, "eval");

    public const string ErrorLogFileName = "error.log";
    public string ErrorLogPath => Path.Combine(Root, ErrorLogFileName);
    public string TensorBoardDirectory => Path.Combine(Root, "tb");
    public string CheckpointsDirectory => Path.Combine(Root, "checkpoints");

    /// <summary>
    /// Creates runs_dir/name, or name-2, name-3 … when it exists (a finished run is never overwritten).
    /// </summary>
    public static RunDirectory CreateNew(string runsDirectory, string name)
    {
        Directory.CreateDirectory(runsDirectory);
        for (int k = 1; ; k++)
        {
            string candidate = Path.Combine(runsDirectory, k == 1 ? name : $"{name}-{k}");
            if (Directory.Exists(candidate)) continue;
            try
            {
                // CreateDirectory succeeds on an existing directory, so claim the name with an exclusive marker file.
                Directory.CreateDirectory(candidate);
                using (new FileStream(Path.Combine(candidate, ".created"), FileMode.CreateNew)) { }
                return new RunDirectory(candidate);
            }
            catch (IOException) when (k < 10_000)
            {
            }
        }
    }

    /// <summary>
    /// Creates the run directory at exactly <paramref name="path"/> (an `rl sweep` cell: runs/experiment/variant/seed_k),
    /// which may exist only while empty; a directory with anything in it is another run's and is refused.
    /// </summary>
    public static RunDirectory CreateAt(string path)
    {
        Directory.CreateDirectory(path);
        try
        {
            using (new FileStream(Path.Combine(path, ".created"), FileMode.CreateNew)) { }
        }
        catch (IOException)
        {
            throw new IOException($"{path} already holds a run; continue it with --resume {path} or choose another directory.");
        }
        if (Directory.EnumerateFileSystemEntries(path).Count() > 1)
            throw new IOException($"{path} is not empty; a new run needs an empty or missing directory.");
        return new RunDirectory(path);
    }

    /// <summary>Opens an existing run directory (for resume and eval); an error names what is missing.</summary>
    public static RunDirectory Open(string path)
    {
        var dir = new RunDirectory(path);
        if (!Directory.Exists(dir.Root)) throw new DirectoryNotFoundException($"run directory {dir.Root} does not exist.");
        if (!File.Exists(dir.ConfigPath)) throw new FileNotFoundException($"{dir.Root} is not a run directory: it has no config.yaml.", dir.ConfigPath);
        return dir;
    }
}
