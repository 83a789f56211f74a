using System.Diagnostics;
using k8s.Models;

namespace KubeDns.Records.Kubernetes.Tests.Feed;

/// <summary>A fake API server, a cluster state and a feed between them, with the objects the tests talk about.</summary>
internal sealed class FeedFixture : IAsyncDisposable
{
    public const string Zone = "svc.cluster.local.";

    private FeedFixture(FakeKubernetesApiServer api, ClusterState state)
    {
        Api = api;
        State = state;
    }

    public FakeKubernetesApiServer Api { get; }

    public ClusterState State { get; }

    public KubernetesFeed? Feed { get; private set; }

    public static async Task<FeedFixture> StartAsync(ClusterDnsOptions? dns = null)
    {
        var api = await FakeKubernetesApiServer.StartAsync();
        return new FeedFixture(api, new ClusterState(dns ?? new ClusterDnsOptions()));
    }

    /// <summary>Options fast enough for tests: short back-off, the default batching.</summary>
    public static KubernetesFeedOptions FastOptions() => new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    public async Task<KubernetesFeed> StartFeedAsync(KubernetesFeedOptions? options = null, bool waitForSync = true)
    {
        Feed = new KubernetesFeed(State, Api.CreateClient(), options ?? FastOptions());
        await Feed.StartAsync();
        if (waitForSync)
        {
            await Feed.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return Feed;
    }

    /// <summary>The answer as dig shows it, compactly: the status, then the answer records sorted.</summary>
    public string Dig(string name, RecordType type = RecordType.A) => Dig(State, name, type);

    public static string Dig(ClusterState state, string name, RecordType type = RecordType.A)
    {
        var resolution = state.Resolve(name, type);
        var lines = new List<string>();
        foreach (var record in resolution.Answer)
        {
            lines.Add(record.ToString());
        }

        lines.Sort(StringComparer.Ordinal);
        lines.Insert(0, Resolution.StatusText(resolution.ResponseCode));
        return string.Join("\n", lines);
    }

    /// <summary>Waits until <paramref name="name"/> answers <paramref name="expected"/> (as <see cref="Dig(string, RecordType)"/> prints it).</summary>
    public Task ExpectAsync(string name, string expected, RecordType type = RecordType.A, int seconds = 30) =>
        EventuallyAsync(() => Dig(name, type) == expected, () => $"{name} {type}: expected\n{expected}\nbut got\n{Dig(name, type)}", seconds);

    public static async Task EventuallyAsync(Func<bool> condition, Func<string> describe, int seconds = 30)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"not within {seconds} s: {describe()}");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Feed is not null)
        {
            await Feed.DisposeAsync();
        }

        await Api.DisposeAsync();
    }

    public static V1Namespace Namespace(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };

    public static V1Service Service(string ns, string name, string clusterIP, params (string Name, int Port)[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            ClusterIP = clusterIP,
            ClusterIPs = [clusterIP],
            Ports = [.. ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, Protocol = "TCP" })],
        },
    };

    public static V1EndpointSlice Slice(string ns, string name, string service, IEnumerable<string> ips, bool ready = true, DateTimeOffset? trigger = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { [KubernetesDescriptors.ServiceNameLabel] = service },
            Annotations = trigger is { } t
                ? new Dictionary<string, string> { ["endpoints.kubernetes.io/last-change-trigger-time"] = t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture) }
                : null,
        },
        AddressType = "IPv4",
        Endpoints = [.. ips.Select(ip => new V1Endpoint { Addresses = [ip], Conditions = new V1EndpointConditions { Ready = ready } })],
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
    };

    /// <summary>The seeds' kiada namespace in miniature: a ClusterIP service and a headless one with two endpoints.</summary>
    public void ApplyKiada()
    {
        Api.Apply(Namespace("kiada"));
        Api.Apply(Service("kiada", "quote", "10.96.161.97", ("http", 80)));
        Api.Apply(Service("kiada", "quote-headless", "None", ("http", 80)));
        Api.Apply(Slice("kiada", "quote-headless-abcde", "quote-headless", ["10.244.1.7", "10.244.2.5"]));
    }

    public const string QuoteAnswer = "NOERROR\nquote.kiada.svc.cluster.local. 5 IN A 10.96.161.97";

    public const string HeadlessAnswer = "NOERROR\nquote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.7\nquote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.5";
}
