using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using RL.Core.Devices;
using RL.Core.Native;
using RL.MuJoCo;
using TorchSharp;

namespace RL.Cli.Commands;

/// <summary>
/// `rl doctor`: one line per dependency, "OK" or the reason it is not. Exit code 0 when everything needed
/// for training works, 1 otherwise. Optional things (CUDA) are reported but never fail the check.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check that this machine can build, simulate and train: .NET, TorchSharp, MuJoCo, CUDA, disk, cores.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    public static int Run(TextWriter output)
    {
        var checks = new (string Name, Func<(bool Ok, string Detail)> Check)[]
        {
            (".NET runtime", () => (true, $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})")),
            ("TorchSharp native library", CheckTorchNative),
            ("tensor op on cpu", () => CheckTensorOp(torch.CPU)),
            ("tensor op on cuda", () => TorchDevices.CudaAvailable() ? CheckTensorOp(torch.CUDA) : (true, "skipped: no CUDA device")),
            ("MuJoCo", CheckMuJoCo),
            ("CUDA", CheckCuda),
            ("free disk", CheckDisk),
            ("cores", () => (true, $"{Environment.ProcessorCount} logical cores available to this process")),
            ("malloc arenas", () => (true, MallocArenas.Outcome ?? "left at the C library's default (not started through rl's Main)")),
        };
        bool allOk = true;
        foreach (var (name, check) in checks)
        {
            (bool ok, string detail) = Guard(check);
            allOk &= ok;
            output.WriteLine($"{(ok ? "OK  " : "FAIL")}  {name,-26} {detail}");
        }
        return allOk ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static (bool, string) Guard(Func<(bool, string)> check)
    {
        try { return check(); }
        catch (Exception e) { return (false, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}"); }
    }

    private static (bool, string) CheckTorchNative()
    {
        string? problem = TorchNativeSetup.TryLoadBackend();
        var status = TorchNativeSetup.EnsureLoadable();
        if (problem is not null) return (false, problem);
        string fix = status.SystemHasVersion ? "compatibility fix not needed" : status.FixApplied ? "compatibility fix applied" : "no fix";
        return (true, $"TorchSharp {TorchNativeSetup.TorchSharpVersion} ({TorchDevices.BuildBackend} backend) loaded; {fix}: {status.Describe()}");
    }

    private static (bool, string) CheckTensorOp(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 }, device: device);
        var b = torch.tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 }, device: device);
        var c = torch.matmul(a, b).cpu().data<float>().ToArray();
        bool ok = c.SequenceEqual(new float[] { 19, 22, 43, 50 });
        return (ok, ok ? $"2x2 matmul correct on {device}" : $"2x2 matmul on {device} gave [{string.Join(", ", c)}], expected [19, 22, 43, 50]");
    }

    private static unsafe (bool, string) CheckMuJoCo()
    {
        const string xml = "<mujoco><option timestep='0.01'/><worldbody><body><joint type='slide' axis='0 0 1'/><geom size='0.1' mass='1'/></body></worldbody></mujoco>";
        using var model = MjModel.FromXml(xml, "doctor check model");
        using var data = new MjData(model);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 100; i++) data.Step();
        watch.Stop();
        // A free slide under gravity: z = -g t²/2 at t = 1 s, semi-implicit Euler gives -g·dt²·n(n+1)/2.
        double expected = -9.81 * 0.01 * 0.01 * 100 * 101 / 2;
        bool ok = Math.Abs(data.Qpos[0] - expected) < 1e-9 && data.TotalWarnings == 0;
        return (ok, ok
            ? $"MuJoCo {MuJoCoRuntime.VersionString} (mj_version {MuJoCoRuntime.Version}); a test model stepped correctly"
            : $"MuJoCo {MuJoCoRuntime.VersionString}: test model ended at z = {data.Qpos[0]}, expected {expected}");
    }

    private static (bool, string) CheckCuda()
    {
        if (TorchDevices.CudaAvailable())
            return (true, $"available: {torch.cuda.device_count()} device(s)");
        return (true, TorchDevices.BuildBackend == "cpu"
            ? "not available: this build uses TorchSharp-cpu (build with -p:TorchBackend=cuda from a feed that serves TorchSharp-cuda-linux); training uses the CPU"
            : "not available: no usable GPU or driver; training uses the CPU");
    }

    private static (bool, string) CheckDisk()
    {
        var drive = new DriveInfo(Path.GetFullPath(Environment.CurrentDirectory));
        double gib = drive.AvailableFreeSpace / (1024.0 * 1024 * 1024);
        const double needed = 2.0;
        return (gib >= needed, $"{gib:F1} GiB free on {drive.Name}{(gib >= needed ? "" : $" (runs with checkpoints need at least {needed} GiB)")}");
    }
}
