using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using RL.Algorithms.Training;
using RL.Cli.Sweeps;
using RL.Core.Config;
using Spectre.Console;

namespace RL.Cli.Commands;

/// <summary>`rl sweep experiment.yaml`: every variant × seed of an experiment file, into runs/&lt;experiment&gt;/&lt;variant&gt;/seed_&lt;k&gt;/ (issue 13).</summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("experiment") { Description = "Experiment file: base config, variants (overrides), seeds and a per-cell budget (see experiments/README.md)." };
        var runsDir = new Option<string>("--runs-dir") { Description = "Where the experiment's folder goes.", DefaultValueFactory = _ => "runs" };
        var parallel = new Option<int?>("--parallel") { Description = "Cells trained at once (default: the file's parallel:, else the cores divided by the threads a cell uses)." };
        var cells = new Option<string?>("--cells") { Description = "Only these cells, comma-separated: variant/seed_k, a variant, seed_k, or a pattern with * (e.g. 'both/*,neither/seed_1')." };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the cells, what each would run (new, resume, skip) and the command, then exit." };
        var command = new Command("sweep", "Run an experiment grid: every variant × seed, with bounded parallelism, skipping finished cells, resuming interrupted ones and retrying failed ones.")
        {
            file, runsDir, parallel, cells, dryRun,
        };
        command.SetAction(p => Run(p.GetValue(file)!, p.GetValue(runsDir)!, p.GetValue(parallel), p.GetValue(cells), p.GetValue(dryRun), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string path, string runsDir, int? parallel, string? cellFilter, bool dryRun, TextWriter output, TextWriter error,
        ICellLauncher? launcher = null, double pollSeconds = 2)
    {
        ExperimentFile experiment;
        IReadOnlyList<SweepCell> cells;
        try
        {
            experiment = ExperimentFile.Load(path);
            cells = Select(experiment.Cells(runsDir), cellFilter);
            Validate(experiment);
        }
        catch (ConfigException e)
        {
            foreach (var line in e.Errors) error.WriteLine($"rl sweep: config error: {line}");
            return ExitCodes.Usage;
        }
        if (parallel is < 1)
        {
            error.WriteLine($"rl sweep: --parallel {parallel} must be at least 1.");
            return ExitCodes.Usage;
        }
        var (slots, why) = parallel is int n ? (n, "--parallel")
            : experiment.Parallel is int m ? (m, $"parallel: in {path}")
            : SweepParallelism.For(experiment, Environment.ProcessorCount);

        var statuses = new List<CellStatus>();
        var drift = new List<string>();
        foreach (var cell in cells)
        {
            var status = new CellStatus(cell);
            var state = cell.Inspect(out string? owner);
            status.Progress = state == CellState.Pending ? CellProgress.None : CellProgress.Read(cell.Directory);
            switch (state)
            {
                case CellState.Done:
                    status.Phase = CellPhase.Skipped;
                    status.Note = "finished earlier";
                    // The summary keeps what the sweep that finished it did (its marker), not this sweep's 0.
                    cell.ReadDone(out int attempts);
                    status.Attempts = attempts;
                    break;
                case CellState.Busy:
                    status.Phase = CellPhase.Busy;
                    status.Note = owner ?? "its train.lock is held";
                    break;
            }
            if (state is CellState.Done or CellState.Interrupted)
            {
                try
                {
                    if (cell.ConfigDrift() is string d) drift.Add($"{cell.Directory}: {d}");
                }
                catch (ConfigException e)
                {
                    drift.Add($"{cell.Directory}: its config.yaml does not load ({e.Errors[0]})");
                }
            }
            statuses.Add(status);
        }
        if (drift.Count > 0)
        {
            error.WriteLine($"rl sweep: {drift.Count} cell(s) of {experiment.Name} were trained with a different config than {path} gives now; mixing them in one curve would be wrong:");
            foreach (string d in drift) error.WriteLine($"rl sweep:   {d}");
            error.WriteLine($"rl sweep: name the changed experiment differently (experiment: in {path}), or move {Path.Combine(runsDir, experiment.Name)} away.");
            return ExitCodes.Usage;
        }

        if (dryRun)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# {experiment.Name}: {experiment.Variants.Count} variants x {experiment.Seeds.Count} seeds = {statuses.Count} cells, budget {experiment.Budget} each, {slots} at once ({why}), up to {experiment.Retries} retries"));
            foreach (var s in statuses)
            {
                var cell = s.Cell;
                string plan = s.Phase switch
                {
                    CellPhase.Skipped => "skip (finished)",
                    CellPhase.Busy => $"skip (trained now by {s.Note})",
                    _ when cell.HasConfig && cell.HasCheckpoint => string.Create(CultureInfo.InvariantCulture, $"resume at {s.Progress.EnvSteps:N0} decisions"),
                    _ when cell.HasConfig => "restart (no checkpoint yet)",
                    _ => "new",
                };
                output.WriteLine($"{cell.Id,-32} {plan,-28} {(s.Phase is CellPhase.Skipped or CellPhase.Busy ? "" : (cell.HasConfig && cell.HasCheckpoint ? cell.ResumeRun() : cell.NewRun()).CommandLine())}");
            }
            return ExitCodes.Ok;
        }

        string root = Path.Combine(runsDir, experiment.Name);
        Directory.CreateDirectory(root);
        // A run that reached the budget without the sweep (rl train --run-dir, or a sweep killed before its marker).
        foreach (var s in statuses.Where(s => s.Phase == CellPhase.Skipped && s.Cell.ReadDone() is null)) s.Cell.WriteDone(0);
        // The file that made these runs, beside them: rl plot/report read the variant order and budget from it.
        // Its first line says which file it came from, so rl report can print the command that reruns the grid.
        RL.Core.Logging.AtomicFile.WriteAllText(Path.Combine(root, RL.Analysis.ExperimentCopy.FileName),
            $"{RL.Analysis.ExperimentCopy.SourcePrefix}{path}\n{experiment.Text}");

        using var stop = new CancellationTokenSource();
        int signalExit = ExitCodes.Interrupted;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (stop.IsCancellationRequested) return;
            signalExit = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
            error.WriteLine("rl sweep: stopping: every running cell writes its final checkpoint; the next rl sweep resumes them.");
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        int toRun = statuses.Count(s => s.Phase == CellPhase.Queued);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rl sweep: {experiment.Name}: {statuses.Count} cells ({statuses.Count(s => s.Phase == CellPhase.Skipped)} finished earlier, {toRun} to run), budget {experiment.Budget} each, {slots} at once ({why}); logs in {SweepRunner.LogDirectoryOf(root)}"));
        launcher ??= new ProcessCellLauncher();
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (terminal)
        {
            AnsiConsole.Live(new Markup("[grey]starting...[/]")).AutoClear(false).Overflow(VerticalOverflow.Visible).Start(ctx =>
                new SweepRunner(experiment, root, launcher, slots, new TerminalSweepView(ctx, experiment.Budget), pollSeconds).RunAsync(statuses, stop.Token).GetAwaiter().GetResult());
        }
        else
        {
            new SweepRunner(experiment, root, launcher, slots, new PlainSweepView(output, experiment.Budget), pollSeconds).RunAsync(statuses, stop.Token).GetAwaiter().GetResult();
        }

        var (md, csv) = SweepSummary.Write(root, experiment, statuses);
        int failed = statuses.Count(s => s.Phase == CellPhase.Failed);
        int stopped = statuses.Count(s => s.Phase == CellPhase.Stopped);
        int busy = statuses.Count(s => s.Phase == CellPhase.Busy);
        output.WriteLine($"rl sweep: summary in {md} and {csv}");
        foreach (var s in statuses.Where(s => s.Phase == CellPhase.Failed))
            error.WriteLine($"rl sweep: {s.Cell.Id} failed: {s.Note} (log: {SweepRunner.LogPathOf(root, s.Cell)})");
        if (busy > 0) output.WriteLine($"rl sweep: {busy} cell(s) were being trained by another process and were left alone; run rl sweep again when they end.");
        if (stopped > 0)
        {
            output.WriteLine($"rl sweep: stopped with {stopped} cell(s) unfinished; `rl sweep {path}` resumes them.");
            return signalExit;
        }
        if (failed > 0) return ExitCodes.Failure;
        output.WriteLine($"rl sweep: every cell done; curves and the table: rl report {root}");
        return ExitCodes.Ok;
    }

    /// <summary>Every variant's overrides must make a valid config before anything trains: one bad key fails the sweep at once, naming the variant.</summary>
    private static void Validate(ExperimentFile experiment)
    {
        var errors = new List<ConfigError>();
        foreach (var variant in experiment.Variants)
        {
            var cell = new SweepCell(experiment, variant, experiment.Seeds[0], "");
            try
            {
                RunConfigLoader.Load(cell.BaseConfig, cell.Overrides);
            }
            catch (ConfigException e)
            {
                errors.AddRange(e.Errors.Select(x => x with { Key = $"variant '{variant.Name}': {x.Key}" }));
            }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    /// <summary>The cells <paramref name="filter"/> names; a pattern that matches no cell is an error listing the cells.</summary>
    public static IReadOnlyList<SweepCell> Select(IReadOnlyList<SweepCell> all, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return all;
        var chosen = new HashSet<SweepCell>();
        foreach (string raw in filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var regex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(raw).Replace("\\*", ".*") + "$");
            var matched = all.Where(c => regex.IsMatch(c.Id) || regex.IsMatch(c.Variant.Name) || regex.IsMatch($"seed_{c.Seed}")).ToList();
            if (matched.Count == 0)
                throw new ConfigException(new ConfigSource("--cells", 0, 0), raw,
                    $"matches no cell; the cells are {string.Join(", ", all.Select(c => c.Id))}.");
            chosen.UnionWith(matched);
        }
        return all.Where(chosen.Contains).ToList();
    }
}

/// <summary>How many cells fit the machine at once when neither --parallel nor the file says.</summary>
public static class SweepParallelism
{
    /// <summary>
    /// A cell keeps about torch_threads + env.groups cores busy (the learner's threads, and one sampler or env
    /// server per group: a 2-core DDPG recipe uses two), so cores / that, at least 1.
    /// </summary>
    public static (int Parallel, string Why) For(ExperimentFile experiment, int cores)
    {
        // Variants may start from different recipes (DDPG vs PPO): the hungriest sets the pace.
        int threads = experiment.Variants.Max(v =>
        {
            var config = RunConfigLoader.Load(v.BaseConfig ?? experiment.BaseConfig, experiment.Common.Concat(v.Overrides).ToList());
            return Math.Max(1, config.TorchThreads) + Math.Max(1, config.Env.Groups);
        });
        int parallel = Math.Max(1, cores / threads);
        return (parallel, string.Create(CultureInfo.InvariantCulture, $"{cores} cores / {threads} threads per cell"));
    }
}
