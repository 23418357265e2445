using System.Net;
using System.Net.Sockets;

namespace RL.Cli.Tests;

/// <summary>Issue 11: `rl serve --port N` on a port another process listens on is one line and exit code 2, not a logged stack trace.</summary>
public class BusyPortTests
{
    [Test]
    public void ABusyPortIsOneLineNamingThePortAndAddress()
    {
        var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        try
        {
            int port = ((IPEndPoint)other.LocalEndpoint).Port;
            var (code, stdout, stderr) = RlProcess.Run(Path.GetTempPath(), TimeSpan.FromSeconds(60), "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(code, Is.EqualTo(2), stderr);
            Assert.That(stderr.Trim(), Is.EqualTo(
                $"rl serve: port {port} on 127.0.0.1 is already in use (another server listens there: stop it, pick another --port, or --port 0 for a free one)."));
            Assert.That(stdout, Is.Empty);
        }
        finally
        {
            other.Stop();
        }
    }
}
