using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.SearchPath;

/// <summary>specification.md §13: the pod's-eye view, on the seed quiz and the Kubernetes e2e names.</summary>
public class PodDnsConfigTests
{
    private static readonly ClusterSnapshot Snapshot = Cluster();

    [Fact]
    public void ToResolvConf_Namespace_IsWhatTheKubeletWrites()
    {
        Assert.Equal(
            "search app.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
            PodDnsConfig.ForNamespace("app").ToResolvConf());
    }

    [Fact]
    public void Resolve_SeedQuizCacheFromApp_TriesEverySuffixThenFails()
    {
        var result = PodDnsConfig.ForNamespace("app").Resolve(Snapshot, "cache");

        Assert.Equal(
            ["cache.app.svc.cluster.local. NXDOMAIN", "cache.svc.cluster.local. NXDOMAIN", "cache.cluster.local. NXDOMAIN", "cache. outside the cluster: upstream decides"],
            result.Tried.Select(c => c.ToString()));
        Assert.False(result.Succeeded);
        Assert.True(result.Final!.IsOutsideCluster);
    }

    [Fact]
    public void Resolve_SeedQuizCacheInfraFromApp_AnswersFromTheSecondCandidate()
    {
        var result = PodDnsConfig.ForNamespace("app").Resolve(Snapshot, "cache.infra");

        Assert.Equal(["cache.infra.app.svc.cluster.local. NXDOMAIN", "cache.infra.svc.cluster.local. NOERROR"], result.Tried.Select(c => c.ToString()));
        Assert.True(result.Succeeded);
        Assert.Equal(["cache.infra.svc.cluster.local. 5 IN A 10.96.200.20"], result.Final!.Answer);
    }

    [Fact]
    public void Resolve_SeedQuizCacheSvcClusterLocalFromApp_Fails()
    {
        var result = PodDnsConfig.ForNamespace("app").Resolve(Snapshot, "cache.svc.cluster.local");

        Assert.Equal(
        [
            "cache.svc.cluster.local.app.svc.cluster.local. NXDOMAIN",
            "cache.svc.cluster.local.svc.cluster.local. NXDOMAIN",
            "cache.svc.cluster.local.cluster.local. NXDOMAIN",
            "cache.svc.cluster.local. NXDOMAIN",
        ], result.Tried.Select(c => c.ToString()));
        Assert.Null(result.Final);
        Assert.False(result.Succeeded);
    }

    [Theory]
    [InlineData("quote", "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97", 1)]
    [InlineData("kubernetes.default", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1", 2)]
    [InlineData("kubernetes.default.svc", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1", 3)]
    [InlineData("web-svc.default", "web-svc.default.svc.cluster.local. 5 IN A 10.96.0.50", 2)]
    [InlineData("kubernetes.default.svc.cluster.local.", "kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1", 1)]
    public void Resolve_FromKiada_AnswersAfterTheExpectedCandidates(string name, string answer, int candidates)
    {
        var result = PodDnsConfig.ForNamespace("kiada").Resolve(Snapshot, name);

        Assert.True(result.Succeeded);
        Assert.Equal(candidates, result.Tried.Count);
        Assert.Equal([answer], result.Final!.Answer);
    }

    [Fact]
    public void Resolve_GoogleComFromKiada_EndsOutsideTheCluster()
    {
        var result = PodDnsConfig.ForNamespace("kiada").Resolve(Snapshot, "google.com");

        Assert.Equal(
            ["google.com.kiada.svc.cluster.local. NXDOMAIN", "google.com.svc.cluster.local. NXDOMAIN", "google.com.cluster.local. NXDOMAIN", "google.com. outside the cluster: upstream decides"],
            result.Tried.Select(c => c.ToString()));
    }

    [Fact]
    public void Resolve_E2eSrvName_FindsTheNamedPort()
    {
        var result = PodDnsConfig.ForNamespace("e2e-dns").Resolve(Snapshot, "_http._tcp.dns-test-service.e2e-dns.svc", RecordType.SRV);

        Assert.True(result.Succeeded);
        Assert.Equal("_http._tcp.dns-test-service.e2e-dns.svc.cluster.local. NOERROR", result.Tried[^1].ToString());
        Assert.Equal(["_http._tcp.dns-test-service.e2e-dns.svc.cluster.local. 5 IN SRV 0 100 80 dns-test-service.e2e-dns.svc.cluster.local."], result.Final!.Answer);
    }

    [Fact]
    public void Resolve_NodataFirst_GlibcMovesOnButMuslAndDigStop()
    {
        // kiada.svc.cluster.local is an existing namespace (NODATA) reached first from a pod in "svc"-less search.
        var config = PodDnsConfig.ForNamespace("app");

        var glibc = config.Resolve(Snapshot, "kiada", RecordType.A, PodResolverKind.Glibc);
        var musl = config.Resolve(Snapshot, "kiada", RecordType.A, PodResolverKind.Musl);
        var dig = config.Resolve(Snapshot, "kiada", RecordType.A, PodResolverKind.DigSearch);

        Assert.Equal(["kiada.app.svc.cluster.local. NXDOMAIN", "kiada.svc.cluster.local. NOERROR"], musl.Tried.Select(c => c.ToString()));
        Assert.Equal(ResolutionKind.NoData, musl.Final!.Kind);
        Assert.Equal(2, dig.Tried.Count);
        Assert.Equal(4, glibc.Tried.Count);
    }

    [Fact]
    public void Candidates_ManyDots_GlibcTriesAsIsFirstAndMuslOnlyAsIs()
    {
        var config = PodDnsConfig.ForNamespace("kiada", ndots: 2);

        Assert.Equal(
            ["a.b.c.", "a.b.c.kiada.svc.cluster.local.", "a.b.c.svc.cluster.local.", "a.b.c.cluster.local."],
            config.Candidates("a.b.c", PodResolverKind.Glibc));
        Assert.Equal(["a.b.c."], config.Candidates("a.b.c", PodResolverKind.Musl));
        Assert.Equal(["x.kiada.svc.cluster.local.", "x.svc.cluster.local.", "x.cluster.local.", "x."], config.Candidates("x", PodResolverKind.Musl));
    }

    [Fact]
    public void ForNamespace_ExtraSearchDomains_AreCappedAtThirtyTwo()
    {
        var config = PodDnsConfig.ForNamespace("kiada", extraSearch: Enumerable.Range(0, 50).Select(i => $"d{i}.example"));

        Assert.Equal(PodDnsConfig.MaxSearchDomains, config.Search.Count);
        Assert.Equal("kiada.svc.cluster.local", config.Search[0]);
    }

    [Fact]
    public void ForNamespace_BadNamespace_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => PodDnsConfig.ForNamespace("Kiada"));

        Assert.Contains("'Kiada'", error.Message, StringComparison.Ordinal);
    }

    private static ClusterSnapshot Cluster()
    {
        var state = ExampleCluster.Create();
        state.Apply(new ClusterChangeBatch().Upsert(Service("e2e-dns", "dns-test-service", "10.96.77.7", Port("http", 80))));
        return state.Current;
    }
}
