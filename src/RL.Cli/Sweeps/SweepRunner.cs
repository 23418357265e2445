using System.Diagnostics;
using System.Globalization;

namespace RL.Cli.Sweeps;

/// <summary>Where a cell is in this sweep (its <see cref="CellState"/> is where its run directory is).</summary>
public enum CellPhase { Queued, Running, Retrying, Done, Skipped, Busy, Failed, Stopped }

/// <summary>One cell as the progress view and the summary see it.</summary>
public sealed class CellStatus
{
    public CellStatus(SweepCell cell) => Cell = cell;

    public SweepCell Cell { get; }
    public CellPhase Phase { get; set; } = CellPhase.Queued;
    public int Attempts { get; set; }
    public int? LastExit { get; set; }
    public string Note { get; set; } = "";
    public CellProgress Progress { get; set; } = CellProgress.None;
    /// <summary>Decisions the run had when this sweep started it, so the grid's rate counts only this sweep's work.</summary>
    public long StartSteps { get; set; }
    public Stopwatch? Clock { get; set; }
}

/// <summary>What the progress view is told: every cell, the grid's rate and its ETA.</summary>
public sealed record SweepSnapshot(IReadOnlyList<CellStatus> Cells, double Elapsed, double? DecisionsPerSecond, double? EtaSeconds);

/// <summary>How a sweep's progress is shown: a live table on a terminal, lines otherwise.</summary>
public interface ISweepView
{
    void Update(SweepSnapshot snapshot);
    void Message(string line);
}

/// <summary>
/// Runs an experiment's cells (issue 13): at most <c>parallel</c> at once, each attempt an <see cref="ICellLauncher"/>
/// call; a cell that fails is resumed from its checkpoint (or restarted when it has none) up to <c>retries</c> more
/// times; a finished cell gets its done marker. Stopping (Ctrl-C, SIGTERM) stops every running cell after its final
/// checkpoint, so the next `rl sweep` resumes them.
/// </summary>
public sealed class SweepRunner
{
    private readonly ExperimentFile _experiment;
    private readonly string _root;
    private readonly ICellLauncher _launcher;
    private readonly int _parallel;
    private readonly ISweepView _view;
    private readonly double _pollSeconds;

    public SweepRunner(ExperimentFile experiment, string root, ICellLauncher launcher, int parallel, ISweepView view, double pollSeconds = 2)
    {
        _experiment = experiment;
        _root = root;
        _launcher = launcher;
        _parallel = parallel;
        _view = view;
        _pollSeconds = pollSeconds;
    }

    /// <summary>Where the cells' logs of the experiment folder <paramref name="root"/> go.</summary>
    public static string LogDirectoryOf(string root) => Path.Combine(root, "logs");

    /// <summary>A cell's log (every attempt appended), the one place its name is made.</summary>
    public static string LogPathOf(string root, SweepCell cell) =>
        Path.Combine(LogDirectoryOf(root), $"{cell.Variant.Name}-seed_{cell.Seed.ToString(CultureInfo.InvariantCulture)}.log");

    public string LogDirectory => LogDirectoryOf(_root);

    public string LogPath(SweepCell cell) => LogPathOf(_root, cell);

    /// <summary>Runs <paramref name="statuses"/>' queued cells; the others (done, busy) are only shown.</summary>
    public async Task RunAsync(IReadOnlyList<CellStatus> statuses, CancellationToken stop)
    {
        Directory.CreateDirectory(LogDirectory);
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(_parallel);
        // One dispatcher hands out slots in the cells' order (seed-major), which a pile of tasks racing for a
        // semaphore would not.
        async Task Dispatch()
        {
            var running = new List<Task>();
            foreach (var status in statuses.Where(s => s.Phase == CellPhase.Queued).ToList())
            {
                try
                {
                    await slots.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    status.Phase = CellPhase.Stopped;
                    status.Note = "not started: the sweep was stopped";
                    continue;
                }
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await RunCell(status, stop).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        var all = Dispatch();
        while (!all.IsCompleted)
        {
            _view.Update(Snapshot(statuses, clock.Elapsed.TotalSeconds));
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(_pollSeconds), CancellationToken.None)).ConfigureAwait(false);
        }
        await all.ConfigureAwait(false);
        foreach (var s in statuses) if (s.Phase is CellPhase.Done or CellPhase.Skipped or CellPhase.Failed or CellPhase.Stopped) s.Progress = CellProgress.Read(s.Cell.Directory);
        _view.Update(Snapshot(statuses, clock.Elapsed.TotalSeconds));
    }

    private async Task RunCell(CellStatus status, CancellationToken stop)
    {
        var cell = status.Cell;
        status.Clock = Stopwatch.StartNew();
        status.StartSteps = CellProgress.Read(cell.Directory).EnvSteps;
        while (true)
        {
            if (stop.IsCancellationRequested)
            {
                status.Phase = CellPhase.Stopped;
                status.Note = "stopped before its next attempt";
                return;
            }
            status.Attempts++;
            status.Phase = CellPhase.Running;
            TrainRequest request;
            string how;
            try
            {
                request = PrepareAttempt(cell, out how);
            }
            catch (IOException e)
            {
                status.Phase = CellPhase.Failed;
                status.Note = e.Message;
                _view.Message($"{cell.Id}: {e.Message}");
                return;
            }
            int exit;
            await using (var log = new StreamWriter(LogPath(cell), append: true))
            {
                log.WriteLine($"== rl sweep {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}: {cell.Id}, attempt {status.Attempts} ({how})");
                log.WriteLine($"== {request.CommandLine()}");
                log.Flush();
                _view.Message($"{cell.Id}: attempt {status.Attempts}, {how}");
                try
                {
                    exit = await _launcher.RunAsync(request, log, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.WriteLine($"== could not start: {e.Message}");
                    exit = ExitCodes.Failure;
                }
                log.WriteLine($"== exit {exit}");
            }
            status.LastExit = exit;
            status.Progress = CellProgress.Read(cell.Directory);
            if (exit == ExitCodes.Ok)
            {
                cell.WriteDone(status.Attempts);
                status.Phase = CellPhase.Done;
                status.Note = status.Attempts > 1 ? $"done after {status.Attempts} attempts" : "done";
                _view.Message($"{cell.Id}: done ({Describe(status.Progress)})");
                return;
            }
            if (stop.IsCancellationRequested || exit is ExitCodes.Interrupted or ExitCodes.Terminated)
            {
                status.Phase = CellPhase.Stopped;
                status.Note = "stopped after its final checkpoint; the next rl sweep resumes it";
                return;
            }
            string last = LastLine(LogPath(cell));
            if (exit == ExitCodes.RunLocked)
            {
                status.Phase = CellPhase.Busy;
                status.Note = last;
                return;
            }
            // A config error repeats on every attempt; retrying would only hide it.
            if (exit == ExitCodes.Usage || status.Attempts > _experiment.Retries)
            {
                status.Phase = CellPhase.Failed;
                status.Note = $"exit {exit} after {status.Attempts} attempt{(status.Attempts == 1 ? "" : "s")}: {last}";
                _view.Message($"{cell.Id}: failed ({status.Note}); log {LogPath(cell)}");
                return;
            }
            status.Phase = CellPhase.Retrying;
            status.Note = $"exit {exit}: {last}";
            _view.Message($"{cell.Id}: attempt {status.Attempts} failed with exit {exit} ({last}); trying again ({_experiment.Retries + 1 - status.Attempts} left)");
        }
    }

    /// <summary>
    /// What the next attempt runs: a resume when the run has a checkpoint; otherwise a fresh start. A run that died
    /// before its first checkpoint is moved aside to .attempts/ (never deleted: its CSVs and error.log may say why);
    /// a directory that is not a run at all (no config.yaml, but files in it) is not the sweep's to touch.
    /// </summary>
    private TrainRequest PrepareAttempt(SweepCell cell, out string how)
    {
        if (cell.HasConfig && cell.HasCheckpoint)
        {
            how = "resuming from its latest checkpoint";
            return cell.ResumeRun();
        }
        if (Directory.Exists(cell.Directory))
        {
            var entries = Directory.EnumerateFileSystemEntries(cell.Directory).Select(Path.GetFileName).ToList();
            if (!cell.HasConfig && entries.Any(e => e is not ".created"))
                throw new IOException($"{cell.Directory} holds files but no config.yaml, so it is not a run the sweep can resume; move it away and run rl sweep again.");
            if (cell.HasConfig)
            {
                string aside = Path.Combine(_root, ".attempts", $"{cell.Variant.Name}-seed_{cell.Seed.ToString(CultureInfo.InvariantCulture)}-{DateTime.UtcNow:yyyyMMddTHHmmss}");
                Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
                Directory.Move(cell.Directory, aside);
                how = $"starting again (the earlier start left no checkpoint; it is kept in {aside})";
                return cell.NewRun();
            }
            Directory.Delete(cell.Directory, recursive: true);
        }
        how = "new run";
        return cell.NewRun();
    }

    private static string LastLine(string path)
    {
        try
        {
            var lines = File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith("== ", StringComparison.Ordinal)).TakeLast(1).ToList();
            return lines.Count == 1 ? lines[0].Trim() : "(no output)";
        }
        catch (IOException)
        {
            return "(log unreadable)";
        }
    }

    public static string Describe(CellProgress p) => p.LastEvaluation is double e
        ? string.Create(CultureInfo.InvariantCulture, $"{p.EnvSteps:N0} decisions, last evaluation {e:0.###} at {p.LastEvaluationSteps:N0}")
        : string.Create(CultureInfo.InvariantCulture, $"{p.EnvSteps:N0} decisions, no evaluation");

    private SweepSnapshot Snapshot(IReadOnlyList<CellStatus> statuses, double elapsed)
    {
        foreach (var s in statuses.Where(s => s.Phase is CellPhase.Running or CellPhase.Retrying)) s.Progress = CellProgress.Read(s.Cell.Directory);
        var budget = _experiment.Budget;
        long gained = statuses.Where(s => s.Clock is not null).Sum(s => Math.Max(0, s.Progress.EnvSteps - s.StartSteps));
        double? rate = elapsed > 30 && gained > 0 ? gained / elapsed : null;
        double? eta = null;
        var open = statuses.Where(s => s.Phase is CellPhase.Queued or CellPhase.Running or CellPhase.Retrying).ToList();
        if (open.Count == 0) eta = 0;
        else if (budget.EnvSteps > 0 && rate is double r)
            eta = open.Sum(s => Math.Max(0, budget.EnvSteps - s.Progress.EnvSteps)) / r;
        else if (budget.Hours > 0)
            // Wall-clock budgets: the queue drains parallel cells at a time.
            eta = open.Sum(s => Math.Max(0, budget.Hours * 3600 - s.Progress.WallSeconds)) / Math.Min(_parallel, open.Count);
        return new SweepSnapshot(statuses, elapsed, rate, eta);
    }
}
