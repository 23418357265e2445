using System.Net;
using RL.Envs.Server;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>Remote servers: reconnecting with back-off after a server goes away, and one DNS name that resolves to many servers.</summary>
public class RemoteServerTests
{
    private static readonly RestartPolicy Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(500), RestoreTimeout = TimeSpan.FromSeconds(20) };

    private static async Task<EnvServerHost> StartOn(string host, int port)
    {
        // The old listener's port may take a moment to be free again.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await EnvServerHost.StartAsync(new ServerOptions { Host = host, Port = port });
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    [Test]
    public async Task ALostRemoteServerIsReconnectedWithBackoff()
    {
        var first = await TestServers.StartAsync();
        int port = first.Endpoint.Port;
        using var pool = await EnvWorkerPool.StartAsync(TestServers.RemoteOptions("Pendulum", new[] { first.Endpoint }, 2) with { Restarts = Fast });
        var group = pool.Groups[0];
        var result = new VectorStepResult(2, 3);
        group.Reset(new long[] { 1, 2 }, new float[6]);
        group.Step(new float[2], result);

        await first.DisposeAsync();
        Assert.Throws<EnvWorkerLostException>(() => group.Step(new float[2], result));
        Assert.That(pool.Stats.HealthyServers, Is.Zero);

        // The server comes back a second later (a rescheduled pod): the slot's back-off loop finds it.
        var restart = Task.Run(async () =>
        {
            await Task.Delay(1000);
            return await StartOn("127.0.0.1", port);
        });
        group.Reset(new long[] { 1, 2 }, new float[6]);
        await using var second = await restart;
        for (int t = 0; t < 5; t++) group.Step(new float[2], result);
        Assert.That(pool.Stats.Restarts, Is.EqualTo(1));
        Assert.That(pool.Stats.HealthyServers, Is.EqualTo(1));
    }

    [Test]
    public async Task ADnsNameExpandsToOneServerPerAddressAndFollowsAReplacedServer()
    {
        // 127.0.0.0/8 is all loopback on Linux: three "hosts" on one port stand in for the pods of a headless service.
        await using var a = await TestServers.StartAsync();
        int port = a.Endpoint.Port;
        var b = await StartOn("127.0.0.2", port);
        var addresses = new[] { IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2") };
        var options = TestServers.RemoteOptions("Pendulum", new[] { EnvEndpoint.Parse($"env-servers.rl.svc.cluster.local:{port}") }, 2) with
        {
            Resolve = (host, _) => Task.FromResult(host == "env-servers.rl.svc.cluster.local" ? Volatile.Read(ref addresses) : Array.Empty<IPAddress>()),
            Restarts = Fast,
        };
        using var pool = await EnvWorkerPool.StartAsync(options);
        Assert.That(pool.Groups, Has.Count.EqualTo(2));
        Assert.That(pool.ServerEndpoints.Select(e => e!.Host), Is.EquivalentTo(new[] { "127.0.0.1", "127.0.0.2" }));
        var result = new VectorStepResult(2, 3);
        foreach (var g in pool.Groups)
        {
            g.Reset(ReadOnlySpan<long>.Empty, new float[6]);
            g.Step(new float[2], result);
        }

        // The pod at .2 is replaced by one at .3: DNS now lists .1 and .3.
        var moved = pool.Groups.Single(g => pool.ServerEndpoints[g.Index]!.Host == "127.0.0.2");
        await b.DisposeAsync();
        await using var c = await StartOn("127.0.0.3", port);
        Volatile.Write(ref addresses, new[] { IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.3") });
        Assert.Throws<EnvWorkerLostException>(() => moved.Step(new float[2], result));
        moved.Reset(ReadOnlySpan<long>.Empty, new float[6]);
        moved.Step(new float[2], result);
        Assert.That(pool.ServerEndpoints.Select(e => e!.Host), Is.EquivalentTo(new[] { "127.0.0.1", "127.0.0.3" }));
    }
}
