using RL.Core.Devices;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 11: `device: cuda` on a TorchSharp-cpu build is one line and exit code 2 in `rl train`, `rl eval` and
/// `rl bench agent`, never a stack trace, and `rl train` creates no run directory for it.
/// </summary>
public class CpuBuildDeviceTests
{
    private const string Message =
        "device cuda: this build has TorchSharp's CPU backend (TorchSharp-cpu); build with -p:TorchBackend=cuda on a machine with CUDA, or use device: cpu / auto.";

    private string _work = null!;

    [SetUp]
    public void SetUp()
    {
        if (TorchDevices.BuildBackend != "cpu") Assert.Ignore("a CUDA build: the CPU-build message does not apply");
        _work = Directory.CreateTempSubdirectory("rl-cli-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_work is not null && Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    [Test]
    public void TrainRefusesBeforeCreatingTheRunDirectory()
    {
        string runs = Path.Combine(_work, "runs");
        var (code, _, stderr) = RlProcess.Run(_work, TimeSpan.FromSeconds(60), PendulumRuns.TrainArgs(runs, 300, "device=cuda"));
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo($"rl train: config error: 'device': {Message}"));
        Assert.That(Directory.Exists(runs), Is.False, "nothing is written for a device this build lacks");
    }

    [Test]
    public void BenchAgentRefusesTheSameWay()
    {
        var (code, stdout, stderr) = RlProcess.Run(_work, TimeSpan.FromSeconds(60), "bench", "agent", "--device", "cuda", "--updates", "1", "--passes", "1");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo($"rl: {Message}"));
        Assert.That(stdout, Is.Empty);
    }

    [Test]
    public void EvalOfARunTrainedOnCudaRefusesWithoutAnErrorLog()
    {
        string runs = Path.Combine(_work, "runs");
        var train = RlProcess.Run(_work, TimeSpan.FromSeconds(180), PendulumRuns.TrainArgs(runs, 300));
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Stderr);
        string run = Directory.GetDirectories(runs).Single();
        // As if the run had been trained on a GPU machine and copied here.
        string config = Path.Combine(run, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\ndevice: cpu\n", "\ndevice: cuda\n", StringComparison.Ordinal));

        var (code, _, stderr) = RlProcess.Run(_work, TimeSpan.FromSeconds(120), "eval", run, "--episodes", "1");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr.Trim(), Is.EqualTo($"rl eval: {Message}"));
        Assert.That(Directory.Exists(Path.Combine(run, "eval")), Is.False, "no error.log, no results file");
    }
}
