using System.Globalization;
using RL.Cli.Commands;
using RL.Core;
using RL.Cli.Sweeps;
using RL.Envs.Remote;

namespace RL.Cli.Tests;

/// <summary>
/// `rl sweep` (issue 13) on a tiny in-process Pendulum grid: cells land in runs/&lt;experiment&gt;/&lt;variant&gt;/seed_&lt;k&gt;,
/// a stopped sweep's cell resumes from its checkpoint, a finished cell is skipped without starting anything,
/// failed attempts are retried a bounded number of times, and parallelism is bounded.
/// </summary>
[TestFixture]
public sealed class SweepTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rl-sweep-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Runs => Path.Combine(_dir, "runs");

    /// <summary>An experiment over ddpg-pendulum.yaml: two variants, the given seeds, a checkpoint every 100 updates.</summary>
    private string WriteExperiment(long envSteps, string seeds = "[1]", string tauB = "0.01", int retries = 2)
    {
        string path = Path.Combine(_dir, "pendulum-grid.yaml");
        File.WriteAllText(path, $"""
            experiment: pendulum-grid
            base: {PendulumRuns.Config}
            seeds: {seeds}
            budget:
              env_steps: {envSteps}
            retries: {retries}
            set:
              ddpg.warmup: 100
              ddpg.batch_size: 32
              checkpoint.every_minutes: 0
              checkpoint.every_updates: 100
              evaluation.every_env_steps: 0
              evaluation.episodes: 1
            variants:
              a: {"{}"}
              b:
                ddpg.tau: {tauB}
            """);
        return path;
    }

    private static ProcessCellLauncher RealLauncher() => new(ServerCommand.Assembly(RlProcess.RlDll, "train"));

    private (int Exit, string Out, string Err) Sweep(string file, ICellLauncher? launcher = null, int? parallel = 1, string? cells = null, bool dryRun = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = SweepCommand.Run(file, Runs, parallel, cells, dryRun, output, error, launcher ?? RealLauncher(), pollSeconds: 0.2);
        return (exit, output.ToString(), error.ToString());
    }

    private string Cell(string variant, long seed) => Path.Combine(Runs, "pendulum-grid", variant, $"seed_{seed}");

    private static long FinalEnvSteps(string run) => (long)(RL.Analysis.RunCsv.Read(Path.Combine(run, "progress.csv")).Numbers("time/env_steps")[^1] ?? 0);

    [Test]
    public void AStoppedSweepResumesItsCellAndAFinishedCellIsSkipped()
    {
        string file = WriteExperiment(envSteps: 4000);
        // A sweep in its own process, stopped by SIGTERM once its first cell has a checkpoint: the cell must
        // stop after its final checkpoint, and the sweep must say how to go on.
        using (var sweep = RlProcess.Start(_dir, ownSession: true, "sweep", file, "--runs-dir", Runs, "--parallel", "1"))
        {
            string latest = Path.Combine(Cell("a", 1), "checkpoints", "latest");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(latest) && !sweep.Process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(100);
            Assert.That(File.Exists(latest), Is.True, $"no checkpoint in cell a.\n{sweep.Stdout}\n{sweep.Stderr}");
            Assert.That(sweep.Process.HasExited, Is.False, "the cell finished before it could be stopped; raise the budget");
            using (var term = System.Diagnostics.Process.Start("kill", new[] { "-TERM", sweep.Process.Id.ToString(CultureInfo.InvariantCulture) })) term.WaitForExit();
            Assert.That(sweep.Process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "the stopped sweep did not end");
            sweep.Process.WaitForExit();
            Assert.That(sweep.Process.ExitCode, Is.EqualTo(ExitCodes.Terminated), sweep.Stdout + sweep.Stderr);
            Assert.That(sweep.Stdout, Does.Contain("resumes them"));
            PendulumRuns.AssertNoStackTrace(sweep.Stderr);
        }
        Assert.That(File.Exists(Path.Combine(Cell("a", 1), SweepCell.DoneFileName)), Is.False, "a stopped cell is not done");
        long stoppedAt = FinalEnvSteps(Cell("a", 1));
        Assert.That(stoppedAt, Is.LessThan(4000));

        var (exit, output, error) = Sweep(file);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        Assert.That(File.ReadAllText(Path.Combine(Cell("a", 1), "resumes.yaml")), Does.Contain("step_"), "cell a resumed from a checkpoint, not restarted");
        Assert.That(File.Exists(Path.Combine(Cell("b", 1), "resumes.yaml")), Is.False, "cell b never ran before: a new run");
        foreach (string v in new[] { "a", "b" })
        {
            Assert.That(FinalEnvSteps(Cell(v, 1)), Is.EqualTo(4000), v);
            Assert.That(File.Exists(Path.Combine(Cell(v, 1), SweepCell.DoneFileName)), Is.True, v);
        }
        string log = File.ReadAllText(Path.Combine(Runs, "pendulum-grid", "logs", "a-seed_1.log"));
        Assert.That(log, Does.Contain("resuming from its latest checkpoint"));
        Assert.That(File.ReadAllText(Path.Combine(Runs, "pendulum-grid", SweepSummary.MarkdownName)), Does.Contain("| a | 1 of 1 |"));

        // Third sweep: nothing to do, nothing started, nothing written into the runs.
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(Cell("a", 1), "progress.csv"));
        var counting = new CountingLauncher(RealLauncher());
        (exit, output, error) = Sweep(file, counting);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        Assert.That(counting.Calls, Is.Zero, "a finished cell must not be started again");
        Assert.That(output, Does.Contain("2 finished earlier, 0 to run"));
        Assert.That(File.ReadAllText(Path.Combine(Runs, "pendulum-grid", SweepSummary.MarkdownName)), Does.Contain("| a/seed_1 | done earlier (skipped) | 1 |"),
            "a re-run's summary keeps the attempts of the sweep that finished the cell");
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(Cell("a", 1), "progress.csv")), Is.EqualTo(stamp));

        // A grown budget extends finished cells by resuming them; a changed variant is refused, not mixed in.
        (exit, output, error) = Sweep(WriteExperiment(envSteps: 4300), counting);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        Assert.That(counting.Calls, Is.EqualTo(2));
        Assert.That(FinalEnvSteps(Cell("b", 1)), Is.EqualTo(4300));
        (exit, output, error) = Sweep(WriteExperiment(envSteps: 4300, tauB: "0.02"), counting);
        Assert.That(exit, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("trained with a different config").And.Contain("tau"));
        Assert.That(counting.Calls, Is.EqualTo(2), "nothing runs when the grid changed");
    }

    [Test]
    public void AFailedAttemptIsRetriedAndACellThatKeepsFailingIsReported()
    {
        string file = WriteExperiment(envSteps: 300, retries: 1);
        // The first attempt of every cell fails the way a lost env fleet does, before writing anything.
        var flaky = new FailingLauncher(RealLauncher(), failures: 1);
        var (exit, output, error) = Sweep(file, flaky, cells: "a");
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        Assert.That(flaky.Calls, Is.EqualTo(2));
        Assert.That(output, Does.Contain("attempt 1 failed with exit 3"));
        Assert.That(File.Exists(Path.Combine(Cell("a", 1), SweepCell.DoneFileName)), Is.True);
        Assert.That(Directory.Exists(Cell("b", 1)), Is.False, "--cells a leaves b alone");

        var broken = new FailingLauncher(RealLauncher(), failures: 99);
        (exit, output, error) = Sweep(file, broken, cells: "b");
        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(broken.Calls, Is.EqualTo(2), "retries: 1 means two attempts");
        Assert.That(error, Does.Contain("b/seed_1 failed: exit 3 after 2 attempts"));
        Assert.That(File.ReadAllText(Path.Combine(Runs, "pendulum-grid", SweepSummary.MarkdownName)), Does.Contain("FAILED"));
    }

    [Test]
    public void ARunThatDiedBeforeItsFirstCheckpointIsKeptAsideAndAForeignDirectoryIsNotTouched()
    {
        string file = WriteExperiment(envSteps: 300, retries: 1);
        // First attempt: a run that wrote its config.yaml and a CSV line, then died (no checkpoint).
        var dies = new DiesBeforeCheckpointLauncher(RealLauncher());
        var (exit, output, error) = Sweep(file, dies, cells: "a");
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        var aside = Directory.GetDirectories(Path.Combine(Runs, "pendulum-grid", ".attempts"));
        Assert.That(aside, Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(aside[0], "progress.csv")), Does.Contain("the first attempt's line"), "nothing of the failed attempt is lost");
        Assert.That(FinalEnvSteps(Cell("a", 1)), Is.EqualTo(300));

        // A directory where cell b would go that holds someone's files but no run: refused, left as it was.
        Directory.CreateDirectory(Cell("b", 1));
        File.WriteAllText(Path.Combine(Cell("b", 1), "notes.txt"), "mine");
        (exit, output, error) = Sweep(file, cells: "b");
        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(output + error, Does.Contain("not a run the sweep can resume"));
        Assert.That(Directory.GetFileSystemEntries(Cell("b", 1)).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
    }

    [Test]
    public void NoMoreCellsRunAtOnceThanAllowed()
    {
        string file = WriteExperiment(envSteps: 300, seeds: "[1, 2, 3]");
        var probe = new ConcurrencyProbe();
        var (exit, output, error) = Sweep(file, probe, parallel: 2);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        Assert.That(probe.Calls, Is.EqualTo(6));
        Assert.That(probe.MaxConcurrent, Is.EqualTo(2));
        // Seed-major order: seed 1 of every variant before seed 2, so a grid cut short still compares like with like.
        Assert.That(probe.Order.Take(2), Is.EquivalentTo(new[] { "a/seed_1", "b/seed_1" }));
    }

    [Test]
    public void DryRunListsEveryCellAndWhatItWouldRun()
    {
        string file = WriteExperiment(envSteps: 300, seeds: "[1, 2]");
        var counting = new CountingLauncher(RealLauncher());
        var (exit, output, _) = Sweep(file, counting, dryRun: true);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok));
        Assert.That(counting.Calls, Is.Zero);
        Assert.That(output, Does.Contain("2 variants x 2 seeds = 4 cells, budget 300 decisions each"));
        Assert.That(output, Does.Contain("b/seed_2").And.Contain("--run-dir").And.Contain("--set ddpg.tau=0.01").And.Contain("--set seed=2"));
        Assert.That(Directory.Exists(Runs), Is.False, "a dry run writes nothing");
    }

    [Test]
    public void AVariantMayStartFromItsOwnConfig()
    {
        string path = Path.Combine(_dir, "algorithms.yaml");
        File.WriteAllText(path, $"""
            experiment: algorithms
            base: {PendulumRuns.Config}
            seeds: [1]
            budget: {"{env_steps: 300}"}
            variants:
              ddpg: {"{}"}
              ppo:
                base: {Path.Combine(RlProcess.ConfigsDirectory, "ppo-pendulum.yaml")}
            """);
        var (exit, output, error) = Sweep(path, new CountingLauncher(RealLauncher()), dryRun: true);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), error);
        var lines = output.Split('\n');
        Assert.That(lines.Single(l => l.StartsWith("ppo/seed_1", StringComparison.Ordinal)), Does.Contain("ppo-pendulum.yaml"));
        Assert.That(lines.Single(l => l.StartsWith("ddpg/seed_1", StringComparison.Ordinal)), Does.Contain("ddpg-pendulum.yaml"));
    }

    [TestCase("experiment: x\nbase: nope.yaml\nseeds: [1]\nbudget: {env_steps: 10}\nvariants: {a: {}}\n", "base config 'nope.yaml' does not exist")]
    [TestCase("experiment: x\nbase: BASE\nseeds: [1]\nvariants: {a: {}}\n", "budget")]
    [TestCase("experiment: x\nbase: BASE\nseeds: [1, 1]\nbudget: {env_steps: 10}\nvariants: {a: {}}\n", "seed 1 is listed twice")]
    [TestCase("experiment: x\nbase: BASE\nseeds: [1]\nbudget: {env_steps: 10}\nvariants: {a: {ddpg.not_a_key: 3}}\n", "variant 'a'")]
    [TestCase("experiment: x\nbase: BASE\nseeds: [1]\nbudget: {env_steps: 10}\nvariants: {a: {seed: 3}}\n", "is set by the sweep")]
    [TestCase("experiment: x\nbase: BASE\nseeds: [1]\nbudget: {env_steps: 10}\nvariants: {a: {}}\nlearning_rate: 3\n", "is not an experiment key")]
    public void ABadExperimentFileIsOneClearErrorNamingTheKey(string text, string expected)
    {
        string path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, text.Replace("BASE", PendulumRuns.Config));
        var (exit, _, error) = Sweep(path, new CountingLauncher(RealLauncher()));
        Assert.That(exit, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain(expected));
        Assert.That(error, Does.StartWith("rl sweep: config error: "));
        PendulumRuns.AssertNoStackTrace(error);
    }

    [Test]
    public void TrainRunDirGoesToExactlyThatDirectoryAndRefusesOneThatHoldsSomething()
    {
        string target = Path.Combine(_dir, "exp", "variant", "seed_7");
        var output = new StringWriter();
        var error = new StringWriter();
        var args = PendulumRuns.TrainArgs(Runs, 200).Skip(2).Where((_, i) => i % 2 == 1).ToList();
        int exit = TrainCommand.Run(PendulumRuns.Config, args, false, null, output, error, newRunDirectory: target);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), error.ToString());
        Assert.That(File.Exists(Path.Combine(target, "config.yaml")), Is.True);
        Assert.That(Directory.Exists(Runs), Is.False, "nothing under runs_dir: the run went to --run-dir");

        error = new StringWriter();
        exit = TrainCommand.Run(PendulumRuns.Config, args, false, null, output, error, newRunDirectory: target);
        Assert.That(exit, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error.ToString(), Does.Contain("is not empty").And.Contain($"--resume {target}"));
        exit = TrainCommand.Run(null, Array.Empty<string>(), false, target, output, error = new StringWriter(), newRunDirectory: target);
        Assert.That(exit, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error.ToString(), Does.Contain("not both"));
    }

    [Test]
    public void CellsThatMatchNothingAreAnErrorListingTheCells()
    {
        var (exit, _, error) = Sweep(WriteExperiment(envSteps: 300), cells: "c");
        Assert.That(exit, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("matches no cell").And.Contain("a/seed_1, b/seed_1"));
    }

    private sealed class CountingLauncher(ICellLauncher inner) : ICellLauncher
    {
        public int Calls;

        public Task<int> RunAsync(TrainRequest request, TextWriter log, CancellationToken stop)
        {
            Interlocked.Increment(ref Calls);
            return inner.RunAsync(request, log, stop);
        }
    }

    private sealed class FailingLauncher(ICellLauncher inner, int failures) : ICellLauncher
    {
        public int Calls;

        public Task<int> RunAsync(TrainRequest request, TextWriter log, CancellationToken stop)
        {
            if (Interlocked.Increment(ref Calls) <= failures)
            {
                log.WriteLine("rl train: env failure: every env server of the test is gone");
                return Task.FromResult(ExitCodes.EnvFailure);
            }
            return inner.RunAsync(request, log, stop);
        }
    }

    private sealed class DiesBeforeCheckpointLauncher(ICellLauncher inner) : ICellLauncher
    {
        private int _calls;

        public Task<int> RunAsync(TrainRequest request, TextWriter log, CancellationToken stop)
        {
            if (Interlocked.Increment(ref _calls) > 1) return inner.RunAsync(request, log, stop);
            Directory.CreateDirectory(request.RunDirectory!);
            File.WriteAllText(Path.Combine(request.RunDirectory!, "config.yaml"), "name: died\n");
            File.WriteAllText(Path.Combine(request.RunDirectory!, "progress.csv"), "the first attempt's line\n");
            return Task.FromResult(ExitCodes.Failure);
        }
    }

    /// <summary>Stands in for training: holds each cell a moment and counts how many are held at once.</summary>
    private sealed class ConcurrencyProbe : ICellLauncher
    {
        private int _now;
        public int Calls, MaxConcurrent;
        public readonly List<string> Order = new();

        public async Task<int> RunAsync(TrainRequest request, TextWriter log, CancellationToken stop)
        {
            Interlocked.Increment(ref Calls);
            string dir = request.RunDirectory!;
            lock (Order) Order.Add($"{Path.GetFileName(Path.GetDirectoryName(dir))}/{Path.GetFileName(dir)}");
            int now = Interlocked.Increment(ref _now);
            lock (Order) MaxConcurrent = Math.Max(MaxConcurrent, now);
            Directory.CreateDirectory(dir);
            await Task.Delay(300, stop);
            Interlocked.Decrement(ref _now);
            return ExitCodes.Ok;
        }
    }
}
