using System.Net;
using k8s.Models;

namespace KubeDns.Records.Tool.Tests;

/// <summary><c>kubedns serve --kubeconfig</c> as a real process against a fake API server, asked with dig and curl-like HTTP.</summary>
public sealed class LiveServeTests : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ServeKubeconfig_SyncsThenFollowsTheCluster_ReadyAndMetricsOverHttp()
    {
        await using var api = await FakeKubernetesApiServer.StartAsync();
        api.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kiada" } });
        api.Apply(Service("quote", "10.96.161.97"));
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_folder.Path, "kubeconfig"));

        await using var server = await KubeDnsProcess.StartServeAsync("--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--health-listen", "127.0.0.1:0");
        var health = await HealthEndPointAsync(server);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{health}/") };
        await EventuallyAsync(async () => (await http.GetAsync(new Uri("ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "ready");

        var quote = await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.cluster.local");
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));
        Assert.Equal("NXDOMAIN", Dig.Status(await Dig.RunAsync(server.EndPoint!, "nope.kiada.svc.cluster.local")));

        api.Apply(Service("fresh", "10.96.2.2"));
        await EventuallyAsync(
            async () => Dig.Section(await Dig.RunAsync(server.EndPoint!, "fresh.kiada.svc.cluster.local"), "ANSWER") is ["fresh.kiada.svc.cluster.local. 5 IN A 10.96.2.2"],
            "fresh service answered");
        api.Delete<V1Service>("kiada", "quote");
        await EventuallyAsync(async () => Dig.Status(await Dig.RunAsync(server.EndPoint!, "quote.kiada.svc.cluster.local")) == "NXDOMAIN", "deleted service gone");

        var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains("kubedns_feed_synced 1", metrics, StringComparison.Ordinal);
        Assert.Matches("kubedns_dns_responses_total\\{dns_response_code=\"NXDOMAIN\",network_transport=\"udp\"\\} [1-9]", metrics);
        Assert.Contains("kubedns_programming_duration_seconds_count{k8s_resource=\"services\"}", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("health", UriKind.Relative))).StatusCode);

        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
        Assert.Contains("synced", server.StandardError, StringComparison.Ordinal);
        await EventuallyAsync(() => Task.FromResult(api.OpenWatches == 0), "the API server sees every watch closed");
    }

    [Fact]
    public async Task ServeKubeconfig_ApiDown_NotReady_ServfailInsteadOfNxdomain()
    {
        await using var api = await FakeKubernetesApiServer.StartAsync();
        api.Apply(Service("quote", "10.96.161.97"));
        api.FailNext(100_000, HttpStatusCode.ServiceUnavailable, "endpointslices");
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_folder.Path, "kubeconfig"));

        await using var server = await KubeDnsProcess.StartServeAsync("--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--health-listen", "127.0.0.1:0");
        var health = await HealthEndPointAsync(server);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{health}/") };
        await server.WaitForErrorAsync("endpointslices: list failed", TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri("ready", UriKind.Relative))).StatusCode);
        Assert.Equal("SERVFAIL", Dig.Status(await Dig.RunAsync(server.EndPoint!, "nope.kiada.svc.cluster.local")));
        Assert.Equal(0, await server.SignalAsync("TERM", StopTimeout));
    }

    [Fact]
    public async Task QueryAndZone_Kubeconfig_ListTheLiveClusterOnce()
    {
        await using var api = await FakeKubernetesApiServer.StartAsync();
        api.Apply(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kiada" } });
        api.Apply(Service("quote", "10.96.161.97"));
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_folder.Path, "kubeconfig"));

        var (code, output, error) = await KubeDnsProcess.RunAsync("query", "quote", "--namespace", "kiada", "--kubeconfig", kubeconfig);

        Assert.True(code == 0, error);
        Assert.Contains(";; tried quote.kiada.svc.cluster.local. NOERROR", output, StringComparison.Ordinal);
        Assert.Contains("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97", output, StringComparison.Ordinal);

        var zone = await KubeDnsProcess.RunAsync("zone", "--kubeconfig", kubeconfig);

        Assert.True(zone.ExitCode == 0, zone.Error);
        Assert.Contains("\nquote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n", zone.Output, StringComparison.Ordinal);
        await EventuallyAsync(() => Task.FromResult(api.OpenWatches == 0), "the API server sees every watch closed");
    }

    [Fact]
    public async Task Query_Kubeconfig_ApiKeepsFailing_ExitsOneWithTheReason()
    {
        await using var api = await FakeKubernetesApiServer.StartAsync();
        api.FailNext(1_000_000, HttpStatusCode.Forbidden);
        var kubeconfig = api.WriteKubeconfig(Path.Combine(_folder.Path, "kubeconfig"));

        var (code, _, error) = await KubeDnsProcess.RunAsync("query", "quote.kiada.svc.cluster.local", "--kubeconfig", kubeconfig, "--sync-timeout", "2");

        Assert.Equal(1, code);
        Assert.Contains("list failed (HTTP 403", error, StringComparison.Ordinal);
        Assert.Contains("did not give every initial list within 2 s", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kubeconfig K --manifests M", "--manifests cannot be combined with --kubeconfig/--in-cluster")]
    [InlineData("--kubeconfig K --in-cluster", "--in-cluster and --kubeconfig are exclusive")]
    [InlineData("--kubeconfig K --watch", "--watch re-reads manifests")]
    [InlineData("--labels app=web", "--labels needs a live cluster")]
    [InlineData("--kubeconfig K --sync-timeout 5", "--sync-timeout is for query and zone")]
    [InlineData("--kubeconfig /nonexistent/kubeconfig", "--kubeconfig: '/nonexistent/kubeconfig'")]
    public async Task Serve_LiveOptionsMisused_UsageError(string args, string message)
    {
        var kubeconfig = Path.Combine(_folder.Path, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n");
        var argv = args.Replace("K", kubeconfig, StringComparison.Ordinal).Replace(" M", " " + KubeDnsProcess.ExampleFolder, StringComparison.Ordinal).Split(' ');

        var (code, _, error) = await KubeDnsProcess.RunAsync(["serve", .. argv]);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static V1Service Service(string name, string ip) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "kiada" },
        Spec = new V1ServiceSpec { ClusterIP = ip, ClusterIPs = [ip], Type = "ClusterIP", Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] },
    };

    private static async Task<string> HealthEndPointAsync(KubeDnsProcess server)
    {
        string? line = null;
        await EventuallyAsync(() => Task.FromResult((line = server.StandardOutputLines.FirstOrDefault(l => l.StartsWith("health on http://", StringComparison.Ordinal))) is not null), "health line");
        return line!["health on http://".Length..];
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(50);
        }
    }
}
