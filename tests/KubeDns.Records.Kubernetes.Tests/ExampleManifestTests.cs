using KubeDns.Records.Kubernetes.Tests.TestData;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>
/// docs/examples/cluster (the example cluster of specification.md §14.1 written as a user writes manifests: Services with
/// selectors, Pods, no EndpointSlices but the API server's) answers every question exactly as the same cluster
/// written as descriptors (<see cref="ExampleCluster"/>).
/// </summary>
public class ExampleManifestTests
{
    private static readonly ClusterState Yaml = ExampleManifests.Load();
    private static readonly ClusterState Descriptors = ExampleCluster.Create();

    /// <summary>specification.md §14.2 (numbers in comments) and the seeds' commands.</summary>
    public static TheoryData<string, RecordType> Questions => new()
    {
        { "quote.kiada.svc.cluster.local.", RecordType.A }, // 1
        { "quote.kiada.svc.cluster.local.", RecordType.AAAA }, // 2
        { "quote-headless.kiada.svc.cluster.local.", RecordType.A }, // 3
        { "_http._tcp.quote-headless.kiada.svc.cluster.local.", RecordType.SRV }, // 4
        { "10-244-2-9.quote-headless.kiada.svc.cluster.local.", RecordType.A }, // 5
        { "quote-canary.quote-headless.kiada.svc.cluster.local.", RecordType.A }, // 6
        { "10-244-2-9.quote.kiada.svc.cluster.local.", RecordType.A }, // 7
        { "kiada.kiada.svc.cluster.local.", RecordType.A }, // 8
        { "kiada.kiada.svc.cluster.local.", RecordType.SRV }, // 9
        { "_http._tcp.kiada.kiada.svc.cluster.local.", RecordType.SRV }, // 10
        { "_http._tcp.kiada.kiada.svc.cluster.local.", RecordType.A }, // 11
        { "_https._udp.kiada.kiada.svc.cluster.local.", RecordType.SRV }, // 12
        { "_tcp.kiada.kiada.svc.cluster.local.", RecordType.TXT }, // 13
        { "http.tcp.kiada.kiada.svc.cluster.local.", RecordType.SRV }, // 14
        { "dual.kiada.svc.cluster.local.", RecordType.AAAA }, // 15
        { "dual.kiada.svc.cluster.local.", RecordType.SRV }, // 16
        { "dual.kiada.svc.cluster.local.", RecordType.A },
        { "time-api.kiada.svc.cluster.local.", RecordType.A }, // 17
        { "time-api.kiada.svc.cluster.local.", RecordType.SRV }, // 18
        { "quote-alias.kiada.svc.cluster.local.", RecordType.A }, // 19
        { "quote-alias.kiada.svc.cluster.local.", RecordType.AAAA }, // 20
        { "x.time-api.kiada.svc.cluster.local.", RecordType.A }, // 21
        { "web-svc.default.svc.cluster.local.", RecordType.A }, // 22
        { "_80-80._tcp.web-svc.default.svc.cluster.local.", RecordType.SRV }, // 24
        { "external-api.default.svc.cluster.local.", RecordType.CNAME }, // 25
        { "payments.default.svc.cluster.local.", RecordType.A },
        { "cache.infra.svc.cluster.local.", RecordType.A }, // 26
        { "cache.app.svc.cluster.local.", RecordType.A }, // 27
        { "app.svc.cluster.local.", RecordType.A }, // 28
        { "cache.svc.cluster.local.app.svc.cluster.local.", RecordType.A }, // 29
        { "db-headless.data.svc.cluster.local.", RecordType.A }, // 30
        { "_postgres._tcp.db-headless.data.svc.cluster.local.", RecordType.SRV }, // 31
        { "db-2.db-headless.data.svc.cluster.local.", RecordType.A }, // 32
        { "10-244-3-5.db-headless.data.svc.cluster.local.", RecordType.A }, // 33
        { "db-0.db-headless.data.svc.cluster.local.", RecordType.SRV },
        { "kube-dns.kube-system.svc.cluster.local.", RecordType.SRV }, // 34
        { "_dns._udp.kube-dns.kube-system.svc.cluster.local.", RecordType.SRV }, // 35
        { "10-244-0-2.kube-dns.kube-system.svc.cluster.local.", RecordType.SRV },
        { "cluster.local.", RecordType.SOA }, // 36
        { "cluster.local.", RecordType.NS }, // 37
        { "cluster.local.", RecordType.TXT }, // 38
        { "dns.cluster.local.", RecordType.A }, // 38
        { "svc.cluster.local.", RecordType.NS }, // 38
        { "dns-version.cluster.local.", RecordType.TXT }, // 39
        { "foo.cluster.local.", RecordType.A }, // 40
        { "nope.kiada.svc.cluster.local.", RecordType.SOA }, // 40
        { "QuOtE.KIADA.svc.Cluster.Local.", RecordType.A }, // 41
        { "_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local.", RecordType.SRV }, // 42
        { "97.161.96.10.in-addr.arpa.", RecordType.PTR }, // 43
        { "9.2.244.10.in-addr.arpa.", RecordType.PTR }, // 44
        { "5.3.244.10.in-addr.arpa.", RecordType.PTR }, // 45
        { "5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", RecordType.PTR }, // 46
        { "7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa.", RecordType.PTR }, // 47
        { "244.10.in-addr.arpa.", RecordType.PTR }, // 48
        { "8.8.8.8.in-addr.arpa.", RecordType.PTR }, // 49
        { "2.0.244.10.in-addr.arpa.", RecordType.PTR },
        { "2.0.18.172.in-addr.arpa.", RecordType.PTR },
        { "kubernetes.default.svc.cluster.local.", RecordType.A },
        { "kubernetes.default.svc.cluster.local.", RecordType.SRV },
        { "api.backend.svc.cluster.local.", RecordType.A },
        { "api.backend.svc.cluster.local.", RecordType.ANY },
        { "10-244-1-20.api.backend.svc.cluster.local.", RecordType.A },
        { "kiada.svc.cluster.local.", RecordType.A },
        { "data.svc.cluster.local.", RecordType.TXT },
        { "ns.dns.cluster.local.", RecordType.A },
        { "example.com.", RecordType.A },
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public void Resolve_YamlCluster_AnswersLikeDescriptorCluster(string name, RecordType type)
    {
        var expected = ExampleManifests.Answer(Descriptors, name, type);
        Assert.Equal(expected, ExampleManifests.Answer(Yaml, name, type));
    }

    [Theory]
    [InlineData("10-244-2-9.quote-headless.kiada.svc.cluster.local.", RecordType.A)] // 6: NXDOMAIN
    [InlineData("quote-canary.quote-headless.kiada.svc.cluster.local.", RecordType.A)] // 6
    [InlineData("kiada-001.dual.kiada.svc.cluster.local.", RecordType.AAAA)]
    [InlineData("7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa.", RecordType.PTR)]
    public void Resolve_EndpointPodNames_AnswersLikeDescriptorCluster(string name, RecordType type)
    {
        var yaml = ExampleManifests.Load(o => o.EndpointPodNames = true);
        var descriptors = ExampleCluster.Create(o => o.EndpointPodNames = true);
        Assert.Equal(ExampleManifests.Answer(descriptors, name, type), ExampleManifests.Answer(yaml, name, type));
    }

    [Theory]
    [InlineData("web-svc.default.svc.cluster.local.", RecordType.A)] // 23: NXDOMAIN
    [InlineData("quote.kiada.svc.cluster.local.", RecordType.A)]
    public void Resolve_IgnoreEmptyServices_AnswersLikeDescriptorCluster(string name, RecordType type)
    {
        var yaml = ExampleManifests.Load(o => o.IgnoreEmptyServices = true);
        var descriptors = ExampleCluster.Create(o => o.IgnoreEmptyServices = true);
        Assert.Equal(ExampleManifests.Answer(descriptors, name, type), ExampleManifests.Answer(yaml, name, type));
    }

    [Fact]
    public void Load_ExampleFolder_HasNoWarningsAndEveryObject()
    {
        var manifest = ClusterManifest.Load([ExampleManifests.Folder]);

        Assert.Empty(manifest.Warnings);
        Assert.Equal(7, manifest.Namespaces.Count);
        Assert.Equal(14, manifest.Services.Count);
        Assert.Equal(15, manifest.Pods.Count);
    }

    [Fact]
    public void Load_ExampleFolder_DerivesSlicesSortedByPodName()
    {
        var manifest = ClusterManifest.Load([ExampleManifests.Folder]);

        var quote = Assert.Single(manifest.EndpointSlices, s => s.ServiceName == "quote-headless");
        Assert.Equal(["quote-001", "quote-002", "quote-003", "quote-canary"], quote.Endpoints.Select(e => e.TargetRef!.Name));
        var dual = manifest.EndpointSlices.Where(s => s.ServiceName == "dual").ToList();
        Assert.Equal([EndpointAddressType.IPv4, EndpointAddressType.IPv6], dual.Select(s => s.AddressType));
        Assert.All(dual, s => Assert.Equal(8080, Assert.Single(s.Ports).Port));
        var kiada = Assert.Single(manifest.EndpointSlices, s => s.ServiceName == "kiada");
        Assert.Equal(EndpointAddressType.IPv4, kiada.AddressType);
        Assert.Equal([8080, 8443], kiada.Ports.Select(p => p.Port!.Value));
    }

    [Fact]
    public void Resolve_YamlCluster_ExportsTheSameZoneFile()
    {
        Assert.Equal(Zone(Descriptors), Zone(Yaml));

        static string Zone(ClusterState state)
        {
            using var writer = new StringWriter();
            state.Current.WriteZoneFile(writer);
            return System.Text.RegularExpressions.Regex.Replace(writer.ToString(), @"(IN SOA \S+ \S+ )\d+", "$1<serial>");
        }
    }
}
