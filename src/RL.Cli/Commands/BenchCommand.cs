using System.CommandLine;
using RL.Cli.Benchmarks;
using RL.Core.Devices;
using TorchSharp;

namespace RL.Cli.Commands;

/// <summary>`rl bench agent`: learner throughput of the framework's DDPG against a bare TorchSharp loop (prints figures; never asserts).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Transitions per batch before mirroring.", DefaultValueFactory = _ => 256 };
        var updates = new Option<int>("--updates") { Description = "Updates per timed pass.", DefaultValueFactory = _ => 1000 };
        var passes = new Option<int>("--passes") { Description = "Timed passes of each loop, interleaved.", DefaultValueFactory = _ => 7 };
        var threads = new Option<int>("--threads") { Description = "TorchSharp intra-op threads.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "cpu" };
        var agent = new Command("agent", "DDPG updates/s at the 2017 network sizes next to a bare TorchSharp loop doing the same arithmetic.")
        {
            batch, updates, passes, threads, device,
        };
        agent.SetAction(p =>
        {
            torch.set_num_threads(p.GetValue(threads));
            AgentBenchmark.Run(p.GetValue(batch), p.GetValue(updates), p.GetValue(passes), TorchDevices.Resolve(p.GetValue(device)!), Console.Out);
            return 0;
        });
        return new Command("bench", "Benchmarks that print figures.") { agent };
    }
}
