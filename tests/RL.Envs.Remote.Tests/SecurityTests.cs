using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RL.Envs.Remote.Protocol;
using RL.Envs.Server;
using RL.Envs.Vector;

namespace RL.Envs.Remote.Tests;

/// <summary>Tokens and TLS: off loopback a server needs a token; calls without the right one are UNAUTHENTICATED.</summary>
public class SecurityTests
{
    [Test]
    public async Task ANonLoopbackServerWithoutATokenRefusesToStart()
    {
        string? saved = Environment.GetEnvironmentVariable(ServerOptions.TokenVariable);
        Environment.SetEnvironmentVariable(ServerOptions.TokenVariable, null);
        try
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => EnvServerHost.StartAsync(new ServerOptions { Host = "0.0.0.0", Port = 0 }));
            Assert.That(e!.Message, Does.Contain("without an auth token").And.Contain("--token-file").And.Contain(ServerOptions.TokenVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServerOptions.TokenVariable, saved);
        }
    }

    [Test]
    public async Task ATokenFromAFileIsRequiredByEveryCallButHealth()
    {
        string tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        try
        {
            await using var host = await EnvServerHost.StartAsync(new ServerOptions { Host = "0.0.0.0", Port = 0, TokenFile = tokenFile });
            var (channel, client) = TestServers.Connect(host.Endpoint);
            using var _ = channel;
            var e = await Assert.ThrowsAsync<RpcException>(async () => await client.DescribeAsync(new DescribeRequest(), deadline: DateTime.UtcNow.AddSeconds(5)));
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
            Assert.That(e.Status.Detail, Does.Contain("authorization: Bearer"));

            e = await Assert.ThrowsAsync<RpcException>(async () => await client.DescribeAsync(new DescribeRequest(), new Metadata { { "authorization", "Bearer guess" } }, DateTime.UtcNow.AddSeconds(5)));
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));

            using var stream = client.Step(new Metadata { { "authorization", "Bearer nope" } }, DateTime.UtcNow.AddSeconds(5));
            e = await Assert.ThrowsAsync<RpcException>(async () => await stream.ResponseStream.MoveNext());
            Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated), "the stream is checked too");

            var ok = await client.DescribeAsync(new DescribeRequest(), new Metadata { { "authorization", "Bearer s3cret-token" } }, DateTime.UtcNow.AddSeconds(5));
            Assert.That(ok.Envs, Is.Not.Empty);

            var health = new Grpc.Health.V1.Health.HealthClient(channel);
            var status = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            Assert.That(status.Status, Is.EqualTo(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving), "probes need no token");

            var withToken = TestServers.RemoteOptions("Pendulum", new[] { host.Endpoint }, 2) with { Token = "s3cret-token" };
            using var pool = await EnvWorkerPool.StartAsync(withToken);
            pool.Groups[0].Reset(new long[] { 1, 2 }, new float[6]);
            var wrong = withToken with { Token = "wrong" };
            using var badPool = await EnvWorkerPool.StartAsync(wrong).ContinueWith(t => t.IsFaulted ? null : t.Result);
            Assert.That(badPool, Is.Null, "a pool with the wrong token fails at start");
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Test]
    public async Task ServesTlsFromPemFilesToAPoolThatTrustsTheCertificate()
    {
        string dir = Directory.CreateTempSubdirectory("rl-tls-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=rl-env-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            string certFile = Path.Combine(dir, "cert.pem"), keyFile = Path.Combine(dir, "key.pem");
            await File.WriteAllTextAsync(certFile, cert.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());

            await using var host = await TestServers.StartAsync(new ServerOptions { TlsCertificateFile = certFile, TlsKeyFile = keyFile });
            Assert.That(host.Endpoint.Tls, Is.True);
            var options = TestServers.RemoteOptions("Pendulum", new[] { EnvEndpoint.Parse($"https://127.0.0.1:{host.Endpoint.Port}") }, 2) with { TrustedCertificateFile = certFile };
            using var pool = await EnvWorkerPool.StartAsync(options);
            var env = pool.Groups[0];
            env.Reset(new long[] { 1, 2 }, new float[6]);
            var result = new VectorStepResult(2, 3);
            env.Step(new float[2], result);
            Assert.That(result.Observations.Any(v => v != 0), Is.True);

            var untrusted = options with { TrustedCertificateFile = null };
            await Assert.ThrowsAsync<EnvFleetFailedException>(() => EnvWorkerPool.StartAsync(untrusted with { Restarts = new RestartPolicy { ServerStartTimeout = TimeSpan.FromSeconds(1) } }),
                "an unknown certificate is not trusted");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
