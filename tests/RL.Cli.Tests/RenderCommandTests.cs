using RL.Algorithms.Training;
using RL.Analysis.Render;
using SkiaSharp;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 13: `rl render` records one evaluation episode of a tiny Learning-to-Run run (a few seconds of DDPG in
/// process) and draws it, redraws from the trajectory alone, and refuses bad input with one line and exit code 2.
/// </summary>
[NonParallelizable]
public class RenderCommandTests
{
    private string _work = null!;
    private string _run = null!;

    [OneTimeSetUp]
    public void TrainATinyLearningToRunRun()
    {
        _work = Directory.CreateTempSubdirectory("rl-cli-render-").FullName;
        string runs = Path.Combine(_work, "runs");
        var train = RlProcess.Run(_work, TimeSpan.FromMinutes(2), "train", Path.Combine(RlProcess.ConfigsDirectory, "ddpg-l2r-reason8-2core.yaml"),
            "--set", $"runs_dir={runs}", "--set", "env.backend=in_process", "--set", "train.max_env_steps=64", "--set", "ddpg.warmup=32",
            "--set", "ddpg.batch_size=16", "--set", "ddpg.buffer_size=1000", "--set", "evaluation.every_minutes=0", "--set", "evaluation.at_end=false",
            "--set", "checkpoint.every_minutes=0", "--set", "checkpoint.every_updates=100");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Stdout + train.Stderr);
        _run = Path.Combine(runs, "ddpg-l2r-reason8-2core-seed1");
    }

    [OneTimeTearDown]
    public void RemoveIt() => Directory.Delete(_work, recursive: true);

    [Test]
    public void RenderRecordsAndDrawsOneShortEpisodeOfATinyRun()
    {
        var (code, stdout, stderr) = RlProcess.Run(_work, TimeSpan.FromMinutes(1), "render", _run, "--max-steps", "6", "--frames", "4");
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        PendulumRuns.AssertNoStackTrace(stderr);
        long seed = RunConfigLoader.LoadRun(_run, Array.Empty<string>()).Evaluation.Seed;
        // The async trainer's update count at its end depends on timing, and so does the checkpoint's name.
        string checkpoint = Path.GetFileName(Directory.GetDirectories(Path.Combine(_run, "checkpoints"), "step_*").Single());
        string stem = Path.Combine(_run, "render", $"{checkpoint}-seed{seed}-first6");
        Assert.That(stdout, Does.Contain($"using latest = {checkpoint}"), "which checkpoint, and why");
        foreach (string suffix in new[] { TrajectoryFile.Extension, TrajectoryRenderer.FilmstripSuffix, TrajectoryRenderer.PageSuffix })
        {
            Assert.That(stdout, Does.Contain($"wrote {stem}{suffix}"));
            Assert.That(File.Exists(stem + suffix), Is.True, stem + suffix);
        }

        var trajectory = TrajectoryFile.Read(stem + TrajectoryFile.Extension);
        Assert.That(trajectory.Steps, Has.Count.EqualTo(7), "the state after reset and after each of 6 decisions");
        Assert.That(trajectory.End, Is.EqualTo("max_steps"));
        Assert.That(trajectory.Seed, Is.EqualTo(seed), "a held-out course: the run's evaluation.seed");
        Assert.That(trajectory.Options["frame_skip"], Is.EqualTo("4"));
        Assert.That(trajectory.Steps.Select(s => s.T), Is.EqualTo(new[] { 0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.24 }).Within(1e-9));
        Assert.That(trajectory.Obstacles, Has.Count.EqualTo(3), "difficulty 2 with 3 obstacles");
        Assert.That(trajectory.Steps[^1].Muscles, Has.Count.EqualTo(18));
        Assert.That(DrawnFrames(stem + TrajectoryRenderer.PageSuffix), Is.EqualTo(7));
        Assert.That(PngSize(stem + TrajectoryRenderer.FilmstripSuffix), Is.EqualTo(Filmstrip.Size(4, FrameStyle.Filmstrip)));

        // Drawn again from the file alone, with another number of frames.
        (code, stdout, stderr) = RlProcess.Run(_work, TimeSpan.FromMinutes(1), "render", "--trajectory", stem + TrajectoryFile.Extension, "--frames", "3");
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        Assert.That(stdout, Does.Contain($"wrote {stem}{TrajectoryRenderer.FilmstripSuffix}"));
        Assert.That(PngSize(stem + TrajectoryRenderer.FilmstripSuffix), Is.EqualTo(Filmstrip.Size(3, FrameStyle.Filmstrip)));
    }

    [Test]
    public void BadInputIsOneLineAndExitCodeTwo()
    {
        string pendulum = PendulumRuns.Copy(_run, Path.Combine(_work, "other"));
        File.WriteAllText(Path.Combine(pendulum, "config.yaml"), File.ReadAllText(Path.Combine(pendulum, "config.yaml")).Replace("  id: L2R\n", "  id: Pendulum\n"));
        var cases = new (string[] Args, string Says)[]
        {
            (new[] { "render", _run, "--checkpoint", "bogus" }, "there is no checkpoint 'bogus'"),
            (new[] { "render" }, "give a run directory"),
            (new[] { "render", _run, "--trajectory", "x.trajectory.json" }, "not both"),
            (new[] { "render", "--trajectory", Path.Combine(_work, "missing.trajectory.json") }, "no such file"),
            (new[] { "render", _run, "--max-steps", "0" }, "--max-steps must be at least 1"),
            (new[] { "render", Path.Combine(_work, "no-such-run") }, "does not exist"),
            (new[] { "render", pendulum }, "trains Pendulum; rl render draws the Learning-to-Run skeleton"),
        };
        foreach (var (args, says) in cases)
        {
            var (code, stdout, stderr) = RlProcess.Run(_work, TimeSpan.FromMinutes(1), args);
            Assert.That(code, Is.EqualTo(2), $"rl {string.Join(' ', args)}\n{stdout}{stderr}");
            Assert.That(stderr, Does.StartWith("rl render: ").And.Contain(says), string.Join(' ', args));
            PendulumRuns.AssertNoStackTrace(stderr);
        }
        Assert.That(Directory.Exists(Path.Combine(pendulum, "render")), Is.False, "nothing written for a refused run");
    }

    private static int DrawnFrames(string page) =>
        System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(page), "<svg [^>]*class=\"frame\"").Count;

    private static (int, int) PngSize(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        return (bitmap.Width, bitmap.Height);
    }
}
