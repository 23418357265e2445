using RL.Analysis.Tests;

namespace RL.Cli.Tests;

/// <summary>Issue 13: `rl plot` and `rl report` as a user runs them: files written, what was skipped said, and bad input one line with exit 2.</summary>
public class PlotCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Test]
    public void PlotWritesAFigurePerMetricAndTheSummaryAndSaysWhatItSkipped()
    {
        using var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        File.AppendAllText(Path.Combine(runs.Root, "b", "seed_2", "episodes.csv"), "1100,275,11,0,0,1");
        var (code, stdout, stderr) = RlProcess.Run(runs.Root, Timeout, "plot", ".", "--metric", "eval", "--metric", "score,losses/critic_loss", "--format", "png", "--width", "640", "--height", "400");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stderr, Is.Empty);
        string plots = Path.Combine(runs.Root, "plots");
        Assert.That(Directory.GetFiles(plots).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "eval.png", "improvement.columns.csv", "improvement.csv", "losses_critic_loss.png", "score.png", "summary.columns.csv", "summary.csv", "summary.md" }));
        var lines = stdout.Split('\n');
        Assert.That(lines[0], Does.StartWith("7 runs in 2 variants under .: a (4), b (3)"));
        Assert.That(lines[1], Does.Match(@"^skipped .*b/seed_2/episodes\.csv:12: no newline at its end"));
        Assert.That(stdout, Does.Contain("## eval: evaluation score").And.Contain("| a | 4 | 1: 1.00, 2: 2.00, 3: 3.00, 4: 10.00 | 4.00 | 2.50 [").And.Contain("P(a > b) = 0.63"));
        Assert.That(stdout, Does.Contain("wrote ./plots/eval.png\n"));
    }

    [Test]
    public void ReportWritesOneMarkdownFileWithItsFiguresAndCommands()
    {
        using var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        var (code, stdout, stderr) = RlProcess.Run(runs.Root, Timeout, "report", ".", "--points", "20");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.EndWith("wrote ./report.md (figures and summary files in ./report-figures)\n"));
        string report = File.ReadAllText(Path.Combine(runs.Root, "report.md"));
        foreach (string figure in new[] { "score", "eval", "losses_critic_loss" })
        {
            Assert.That(report, Does.Contain($"](report-figures/{figure}.png)"));
            Assert.That(File.Exists(Path.Combine(runs.Root, "report-figures", figure + ".png")), figure);
            Assert.That(File.Exists(Path.Combine(runs.Root, "report-figures", figure + ".svg")), figure);
        }
        Assert.That(report, Does.Contain("rl sweep ./experiment.yaml\nrl plot . --metric score,eval,losses/critic_loss --points 20 --out ./report-figures\nrl report . --points 20\n"));
    }

    [TestCase("--metric", "losses/nope", "rl plot: --metric 'losses/nope': no such metric; use score, eval or a progress.csv column: time/updates, time/env_steps, time/episodes, time/wall_s, losses/critic_loss.")]
    [TestCase("--x", "steps", "rl plot: --x 'steps': use env_steps, updates or hours.")]
    [TestCase("--stat", "median", "rl plot: --stat 'median': use iqm or mean.")]
    [TestCase("--points", "1", "rl plot: --points 1: must be at least 2.")]
    [TestCase("--format", "pdf", "rl plot: --format 'pdf': use png, svg or png,svg.")]
    public void ABadOptionIsOneLineNamingItAndTheUsageCode(string option, string value, string error)
    {
        using var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        var (code, stdout, stderr) = RlProcess.Run(runs.Root, Timeout, "plot", ".", option, value);
        Assert.That(code, Is.EqualTo(2), stdout + stderr);
        Assert.That(stderr.TrimEnd('\n'), Is.EqualTo(error));
        Assert.That(Directory.Exists(Path.Combine(runs.Root, "plots")), Is.False, "nothing written");
    }

    [Test]
    public void AMissingDirectoryOrNothingToPlotIsOneLineAndTheUsageCode()
    {
        using var runs = new RunFixture();
        var (code, _, stderr) = RlProcess.Run(runs.Root, Timeout, "plot", "missing");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Is.EqualTo("rl plot: missing: no such directory.\n"));
        runs.Run("started-seed1", new RunSpec());
        (code, _, stderr) = RlProcess.Run(runs.Root, Timeout, "report", ".");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Match(@"^rl report: .*: nothing to plot: started-seed1: no progress\.csv, episodes\.csv or evaluations\.csv yet\.\n$"));
    }
}
