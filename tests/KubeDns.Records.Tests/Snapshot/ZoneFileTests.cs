
namespace KubeDns.Records.Tests.Snapshot;

public class ZoneFileTests
{
    [Fact]
    public void WriteZoneFile_ExampleCluster_StartsWithOriginSoaAndNsAndHoldsEveryRecordOnce()
    {
        var snapshot = ExampleCluster.Create().Current;
        using var writer = new StringWriter();

        snapshot.WriteZoneFile(writer);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("$ORIGIN cluster.local.", lines[0]);
        Assert.StartsWith("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ", lines[1], StringComparison.Ordinal);
        Assert.Equal("cluster.local. 5 IN NS ns.dns.cluster.local.", lines[2]);
        Assert.Contains("ns.dns.cluster.local. 5 IN A 10.96.0.10", lines);
        Assert.Contains("dns-version.cluster.local. 28800 IN TXT \"1.1.0\"", lines);
        Assert.Contains("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97", lines);
        Assert.Contains("_http._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 80 kiada.kiada.svc.cluster.local.", lines);
        Assert.Contains("quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.", lines);
        Assert.Contains("db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5", lines);
        Assert.Single(lines, l => l == "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97");
        Assert.DoesNotContain(lines, l => l.Contains("35.195.241.70", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteZoneFile_Records_AreInCanonicalOwnerOrder()
    {
        var snapshot = ExampleCluster.Create().Current;
        using var writer = new StringWriter();

        snapshot.WriteZoneFile(writer);
        var owners = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(3).Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)]).ToList();

        for (var i = 1; i < owners.Count; i++)
        {
            Assert.True(ClusterSnapshot.CanonicalCompare(owners[i - 1], owners[i]) <= 0, $"{owners[i - 1]} sorts after {owners[i]}");
        }
    }

    [Fact]
    public void WriteZoneFile_UnknownZone_NamesIt()
    {
        var snapshot = ExampleCluster.Create().Current;

        var error = Assert.Throws<ArgumentException>(() => snapshot.WriteZoneFile(TextWriter.Null, "example.org"));

        Assert.Contains("'example.org' is not a configured cluster zone", error.Message, StringComparison.Ordinal);
    }
}
