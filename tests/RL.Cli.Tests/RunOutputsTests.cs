using System.Globalization;
using System.Text.RegularExpressions;
using RL.Core.Logging;
using RL.Envs.Wrappers;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 11, self-describing outputs, on one short Pendulum run with warm-up and evaluations: every CSV column has a
/// unit and a meaning in its sidecar, warm-up rows have empty losses instead of nan, every episode row carries the
/// seed its env was reset with, `rl eval` fills every cell and says on its first line which checkpoint it uses and
/// why, and an unknown --checkpoint exits 2 listing the checkpoints there are.
/// </summary>
[NonParallelizable]
public class RunOutputsTests
{
    private string _work = null!;
    private string _run = null!;

    [OneTimeSetUp]
    public void TrainAShortRun()
    {
        _work = Directory.CreateTempSubdirectory("rl-cli-outputs-").FullName;
        string runs = Path.Combine(_work, "runs");
        // Warm-up 400 decisions with a row every 200: two rows before the first update. Evaluations at 600 and 1200
        // (and at the end), so there is a best checkpoint.
        var train = RlProcess.Run(_work, TimeSpan.FromMinutes(3), PendulumRuns.TrainArgs(runs, 1200,
            "ddpg.warmup=400", "train.log_every_updates=200", "evaluation.every_env_steps=600", "evaluation.episodes=2", "evaluation.parallel_envs=2"));
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Stdout + train.Stderr);
        _run = Path.Combine(runs, "ddpg-pendulum-seed1");
    }

    [OneTimeTearDown]
    public void RemoveIt() => Directory.Delete(_work, recursive: true);

    private static List<string[]> Rows(string path) => CsvTable.ReadRows(path);

    private static void AssertSidecarDescribes(string csv, string sidecar)
    {
        Assert.That(File.Exists(sidecar), Is.True, $"{sidecar} is missing");
        var header = Rows(csv)[0];
        var described = CsvColumns.Read(sidecar);
        Assert.That(described.Select(c => c.Name), Is.EqualTo(header), $"{Path.GetFileName(sidecar)} lists the columns of {Path.GetFileName(csv)}, in order");
        foreach (var c in described)
        {
            Assert.That(c.Unit, Is.Not.Empty, $"{Path.GetFileName(csv)}: unit of {c.Name}");
            Assert.That(c.Meaning, Is.Not.Empty, $"{Path.GetFileName(csv)}: meaning of {c.Name}");
        }
    }

    [Test]
    public void EveryColumnOfTheRunsCsvsHasAUnitAndAMeaningInItsSidecar()
    {
        foreach (string name in new[] { "progress", "episodes", "evaluations" })
            AssertSidecarDescribes(Path.Combine(_run, name + ".csv"), Path.Combine(_run, name + ".columns.csv"));
        var eval = RlProcess.Run(_work, TimeSpan.FromMinutes(2), "eval", _run, "--episodes", "1");
        Assert.That(eval.ExitCode, Is.EqualTo(0), eval.Stdout + eval.Stderr);
        string evalDir = Path.Combine(_run, "eval");
        var results = Directory.GetFiles(evalDir, "step_*.csv");
        Assert.That(results, Is.Not.Empty);
        foreach (string file in results) AssertSidecarDescribes(file, Path.Combine(evalDir, "columns.csv"));
        var units = CsvColumns.Read(Path.Combine(_run, "progress.columns.csv")).ToDictionary(c => c.Name);
        Assert.That(units["time/env_steps"].Unit, Is.EqualTo("decisions"), "env steps count decisions, not simulator steps");
        Assert.That(units["time/wall_s"].Unit, Is.EqualTo("s"));
    }

    [Test]
    public void WarmUpRowsLeaveTheLossesEmptyAndNoCellIsNan()
    {
        var rows = Rows(Path.Combine(_run, "progress.csv"));
        var header = rows[0].ToList();
        int updates = header.IndexOf("time/updates");
        Assert.That(rows.Skip(1).SelectMany(r => r), Has.None.EqualTo("nan"), "nan may only mean a real NaN, and this run has none");
        var warmUp = rows.Skip(1).Where(r => r[updates] == "0").ToList();
        var learning = rows.Skip(1).Where(r => r[updates] != "0").ToList();
        Assert.That(warmUp, Is.Not.Empty, "rows before the first update");
        Assert.That(learning, Is.Not.Empty, "rows after it");
        foreach (string loss in new[] { "losses/critic_loss", "losses/actor_loss", "losses/q_mean" })
        {
            int i = header.IndexOf(loss);
            Assert.That(warmUp.Select(r => r[i]), Is.All.Empty, $"{loss} before the first update");
            Assert.That(learning.Select(r => double.Parse(r[i], CultureInfo.InvariantCulture)), Is.All.Matches<double>(double.IsFinite), $"{loss} after it");
        }
    }

    [Test]
    public void EveryEpisodeRowHasTheSeedItsEnvWasResetWith()
    {
        var rows = Rows(Path.Combine(_run, "episodes.csv"));
        var header = rows[0].ToList();
        int seedColumn = header.IndexOf("seed");
        var episodes = rows.Skip(1).ToList();
        Assert.That(episodes, Has.Count.GreaterThanOrEqualTo(5), "several episodes, so autoresets are included");
        Assert.That(episodes.Select(r => r[seedColumn]), Has.None.Empty);
        // The run's one env starts from the seed config.yaml records; its k-th autoreset uses SeedOf(that seed, k).
        var match = Regex.Match(File.ReadAllText(Path.Combine(_run, "config.yaml")), @"envs: \[(\d+)\]");
        Assert.That(match.Success, Is.True, "config.yaml records the env seed");
        long first = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var expected = Enumerable.Range(0, episodes.Count).Select(k => ReplayableEnv.SeedOf(first, k).ToString(CultureInfo.InvariantCulture));
        Assert.That(episodes.Select(r => r[seedColumn]), Is.EqualTo(expected));
    }

    [Test]
    public void EvalSaysWhichCheckpointItUsesAndFillsEveryCell()
    {
        string best = File.ReadAllText(Path.Combine(_run, "checkpoints", "best")).Trim();
        var eval = RlProcess.Run(_work, TimeSpan.FromMinutes(2), "eval", _run, "--episodes", "2");
        Assert.That(eval.ExitCode, Is.EqualTo(0), eval.Stdout + eval.Stderr);
        string firstLine = eval.Stdout.Split('\n')[0];
        Assert.That(firstLine, Does.StartWith($"checkpoint best = {best} (evaluation ").And.Contain(" min of training, update "), eval.Stdout);
        string path = Regex.Match(eval.Stdout, @"episodes to (\S+\.csv)").Groups[1].Value;
        var rows = Rows(path);
        var header = rows[0].ToList();
        Assert.That(rows.Skip(1).ToList(), Has.Count.EqualTo(2));
        foreach (var row in rows.Skip(1))
        {
            for (int i = 0; i < header.Count; i++) Assert.That(row[i], Is.Not.Empty, $"column {header[i]} of {Path.GetFileName(path)}");
            Assert.That(row[header.IndexOf("checkpoint")], Is.EqualTo(best));
            Assert.That(double.Parse(row[header.IndexOf("wall_s")], CultureInfo.InvariantCulture), Is.GreaterThan(0), "the run's training time at the checkpoint");
        }
        // The trainer's own evaluation rows are filled too, with the checkpoint that holds the evaluated policy.
        var train = Rows(Path.Combine(_run, "evaluations.csv"));
        Assert.That(train.Skip(1).SelectMany(r => r), Has.None.Empty);
        Assert.That(train.Skip(1).Select(r => r[train[0].ToList().IndexOf("checkpoint")]), Has.Some.EqualTo(best));
    }

    [Test]
    public void BestWithoutAnEvaluationSaysItUsesLatestAndWhy()
    {
        string copy = PendulumRuns.Copy(_run, Directory.CreateTempSubdirectory("rl-cli-outputs-copy-").FullName);
        try
        {
            File.Delete(Path.Combine(copy, "checkpoints", "best"));
            string latest = File.ReadAllText(Path.Combine(copy, "checkpoints", "latest")).Trim();
            var eval = RlProcess.Run(_work, TimeSpan.FromMinutes(2), "eval", copy, "--episodes", "1");
            Assert.That(eval.ExitCode, Is.EqualTo(0), eval.Stdout + eval.Stderr);
            Assert.That(eval.Stdout.Split('\n')[0],
                Does.StartWith($"no evaluation ran in this run, so there is no best checkpoint: using latest = {latest} (update ").And.Contain(" min of training"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    [Test]
    public void AnUnknownCheckpointExitsWithUsageAndListsTheCheckpointsThereAre()
    {
        var eval = RlProcess.Run(_work, TimeSpan.FromMinutes(2), "eval", _run, "--checkpoint", "bogus");
        Assert.That(eval.ExitCode, Is.EqualTo(2), eval.Stdout + eval.Stderr);
        Assert.That(eval.Stderr, Does.Contain("there is no checkpoint 'bogus'"));
        var names = Directory.GetDirectories(Path.Combine(_run, "checkpoints"), "step_*").Select(Path.GetFileName).ToList();
        Assert.That(names, Is.Not.Empty);
        foreach (string? name in names)
            Assert.That(eval.Stderr, Does.Match($@"(?m)^\s+{name}\s+update \d+, [\d.]+ min of training"), $"{name} is listed with its update and training time");
        Assert.That(eval.Stderr, Does.Match(@"(?m)^\s+best\s+= step_").And.Match(@"(?m)^\s+latest\s+= step_"));
        Assert.That(eval.Stdout, Does.Not.Contain("evaluating"), "no env was started");
        PendulumRuns.AssertNoStackTrace(eval.Stderr);
    }
}
