using System.Net;
using DnsClient;
using KubeDns.Records;
using KubeDns.Records.Kubernetes;
using KubeDns.Records.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Microsoft.Extensions.DependencyInjection has a KubernetesServiceDescriptor too.
using KubernetesServiceDescriptor = KubeDns.Records.KubernetesServiceDescriptor;

namespace HarnessTests;

/// <summary>
/// Cluster DNS for a test: a manifest in a temporary folder, the native server on a free loopback port in a generic
/// host, and a DnsClient resolver pointed at it. xunit makes one instance per test, so every test has its own
/// folder, host and port, and tests of different processes never meet on a port.
/// </summary>
public sealed class ClusterDnsTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cluster-dns-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private IHost _host = null!;
    private ClusterState _cluster = null!;
    private ManifestFolderWatcher _watcher = null!;
    private Task _watching = Task.CompletedTask;
    private LookupClient _dns = null!;

    public async Task InitializeAsync()
    {
        WriteManifest(clusterIP: "10.96.0.10");
        var manifest = ClusterManifest.Load([_folder]);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeDnsRecords()
            .AddKubeDnsServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)));   // 0: a free port
        _host = builder.Build();

        _cluster = _host.Services.GetRequiredService<ClusterState>();
        manifest.ApplyTo(_cluster);
        _cluster.MarkSynced();                        // until then, would-be NXDOMAIN answers are SERVFAIL

        // What `kubedns serve --watch` runs: edits to the folder reach the served cluster.
        _watcher = new ManifestFolderWatcher([_folder], null, _cluster, manifest) { QuietPeriod = TimeSpan.FromMilliseconds(50) };
        _watching = _watcher.RunAsync(_stop.Token);

        await _host.StartAsync();
        var server = _host.Services.GetRequiredService<KubeDnsServer>();
        _dns = new LookupClient(new LookupClientOptions(server.LocalEndPoint!)
        {
            // Off because these tests change the cluster and ask again: a cache would answer the old record for
            // as long as its TTL (5 s by default), and the test would check the cache instead of the server.
            UseCache = false,
            Timeout = TimeSpan.FromSeconds(2),
        });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _watcher.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Service_AnswersItsClusterIP()
    {
        var response = await _dns.QueryAsync("web.shop.svc.cluster.local", QueryType.A);

        Assert.Equal("10.96.0.10", Assert.Single(response.Answers.ARecords()).Address.ToString());
    }

    [Fact]
    public async Task UnknownService_NameError()
    {
        var response = await _dns.QueryAsync("nope.shop.svc.cluster.local", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, response.Header.ResponseCode);
    }

    [Fact]
    public async Task ManifestEdited_AnswersTheNewClusterIP()
    {
        var reloaded = new TaskCompletionSource<ManifestReloadEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        _watcher.Reloaded += (_, e) => reloaded.TrySetResult(e);

        var before = await _dns.QueryAsync("web.shop.svc.cluster.local", QueryType.A);
        WriteManifest(clusterIP: "10.96.0.200");
        var reload = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var after = await _dns.QueryAsync("web.shop.svc.cluster.local", QueryType.A);

        Assert.Equal("10.96.0.10", Assert.Single(before.Answers.ARecords()).Address.ToString());
        Assert.Equal(ManifestReloadOutcome.Applied, reload.Outcome);
        Assert.Equal("10.96.0.200", Assert.Single(after.Answers.ARecords()).Address.ToString());
    }

    [Fact]
    public async Task ServiceApplied_AnswersAtOnce()
    {
        // Without files: a change applied to the cluster is visible to the very next query.
        _cluster.Apply(new ClusterChangeBatch().Upsert(new KubernetesServiceDescriptor
        {
            Namespace = "shop",
            Name = "api",
            ClusterIPs = ["10.96.0.11"],
            Ports = [new ServicePortDescriptor { Name = "http", Port = 8080 }],
        }));

        var response = await _dns.QueryAsync("_http._tcp.api.shop.svc.cluster.local", QueryType.SRV);

        var srv = Assert.Single(response.Answers.SrvRecords());
        Assert.Equal(8080, srv.Port);
        Assert.Equal("api.shop.svc.cluster.local.", srv.Target.Value);
    }

    private void WriteManifest(string clusterIP) => File.WriteAllText(Path.Combine(_folder, "shop.yaml"), $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          clusterIP: {{clusterIP}}
          ports: [{name: http, port: 80}]
        """);
}
