using System.Net;
using KubeDns.Records.Benchmarks;

namespace KubeDns.Records.Benchmarks.Tests;

public class GeneratedClusterTests
{
    [Theory]
    [InlineData(200)]
    [InlineData(1_000)]
    public void Shape_IsIssue8s(int services)
    {
        var cluster = new GeneratedCluster(services);
        var headless = Enumerable.Range(0, services).Where(cluster.IsHeadless).ToArray();

        Assert.Equal(services / 5, headless.Length);
        Assert.All(headless, i => Assert.InRange(cluster.EndpointCount(i), 5, 100));
        Assert.Equal(100, cluster.EndpointCount(cluster.ProbeHeadless));
        Assert.True(cluster.IsDualStack(cluster.ProbeDualStack));
        Assert.False(cluster.IsDualStack(cluster.Probe) || cluster.IsHeadless(cluster.Probe));
        Assert.Equal(services / 10, Enumerable.Range(0, services).Count(cluster.IsDualStack));
    }

    [Fact]
    public void EndpointCounts_CoverTheWholeRange()
    {
        var cluster = new GeneratedCluster(1_000);

        var counts = Enumerable.Range(0, 1_000).Where(cluster.IsHeadless).Select(cluster.EndpointCount).ToHashSet();

        Assert.Equal(96, counts.Count);
    }

    [Fact]
    public void Addresses_AreValidAndUnique()
    {
        var cluster = new GeneratedCluster(2_000);
        var addresses = new HashSet<string>();
        for (var i = 0; i < cluster.Services; i++)
        {
            if (!cluster.IsHeadless(i))
            {
                Assert.True(addresses.Add(cluster.ClusterIP(i)));
            }

            if (cluster.IsDualStack(i))
            {
                Assert.True(IPAddress.TryParse(cluster.ClusterIPv6(i), out var v6));
                Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, v6.AddressFamily);
                Assert.True(addresses.Add(cluster.ClusterIPv6(i)));
            }

            for (var e = 0; e < cluster.EndpointCount(i); e++)
            {
                Assert.True(addresses.Add(cluster.EndpointAddress(i, e)), cluster.EndpointAddress(i, e));
            }
        }

        Assert.Equal(cluster.Endpoints + cluster.Services - (cluster.Services / 5) + (cluster.Services / 10), addresses.Count);
    }

    [Fact]
    public void Ipv6_StaysValidAt100kServices()
    {
        var cluster = new GeneratedCluster(100_000);

        Assert.True(IPAddress.TryParse(cluster.ClusterIPv6(99_990), out _));
        Assert.Equal("fd00:10:96::1:86a6", cluster.ClusterIPv6(99_990));
    }

    [Fact]
    public void Batch_IsAcceptedAndDeterministic()
    {
        var first = new GeneratedCluster(500).CreateState().Current;
        var second = new GeneratedCluster(500).CreateState().Current;

        Assert.Equal(500, first.ServiceCount);
        Assert.Equal(10, first.NamespaceCount);
        Assert.Equal(Zone(first), Zone(second));
        Assert.Equal(500 + (400 * 2) + Enumerable.Range(0, 500).Where(i => i % 5 == 4).Sum(new GeneratedCluster(500).EndpointCount), first.EndpointSlices.Sum(s => s.Endpoints.Length) + first.ServiceCount);
    }

    private static string Zone(ClusterSnapshot snapshot)
    {
        using var writer = new StringWriter();
        snapshot.WriteZoneFile(writer);
        return writer.ToString().Split('\n', 3)[2]; // after $ORIGIN and the SOA, whose serial is the clock
    }

    [Fact]
    public void Slices_HoldAtMost100Endpoints()
    {
        var cluster = new GeneratedCluster(1_000);

        var slices = cluster.Slices(cluster.ProbeHeadless, endpoints: 250).ToArray();

        Assert.Equal([100, 100, 50], slices.Select(s => s.Endpoints.Length));
        Assert.Equal(3, slices.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void NaiveResolver_AgreesWithTheSnapshotOnAnswerCounts()
    {
        var cluster = new GeneratedCluster(1_000);
        var snapshot = cluster.CreateState().Current;
        var naive = new NaiveResolver(cluster);
        for (var i = 0; i < cluster.Services; i += 7)
        {
            var name = cluster.Fqdn(i);
            Assert.Equal(snapshot.Resolve(name, RecordType.A).Answer.Count, naive.Resolve(name, RecordType.A));
            var srv = snapshot.Resolve("_http._tcp." + name, RecordType.SRV);
            Assert.Equal(srv.Answer.Count + srv.Additional.Count, naive.Resolve("_http._tcp." + name, RecordType.SRV));
        }
    }
}
