using KubeDns.Records.Tests.TestData;

namespace KubeDns.Records.Tests.Allocation;

/// <summary>
/// The query path allocates nothing for any answer the snapshot holds (issue #3, style rule 10), measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>: resolving and walking every record of every section.
/// </summary>
public class ZeroAllocationTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create().Current;

    [Theory]
    [InlineData("quote.kiada.svc.cluster.local.", RecordType.A)]
    [InlineData("QuOtE.KIADA.svc.Cluster.Local", RecordType.A)]
    [InlineData("dual.kiada.svc.cluster.local.", RecordType.AAAA)]
    [InlineData("quote-headless.kiada.svc.cluster.local.", RecordType.A)]
    [InlineData("kiada.kiada.svc.cluster.local.", RecordType.SRV)]
    [InlineData("_http._tcp.quote-headless.kiada.svc.cluster.local.", RecordType.SRV)]
    [InlineData("db-0.db-headless.data.svc.cluster.local.", RecordType.A)]
    [InlineData("time-api.kiada.svc.cluster.local.", RecordType.A)]
    [InlineData("quote-alias.kiada.svc.cluster.local.", RecordType.A)]
    [InlineData("quote-alias.kiada.svc.cluster.local.", RecordType.AAAA)]
    [InlineData("nope.kiada.svc.cluster.local.", RecordType.A)]
    [InlineData("web.default.svc.cluster.local.app.svc.cluster.local.", RecordType.A)]
    [InlineData("quote.kiada.svc.cluster.local.", RecordType.AAAA)]
    [InlineData("_tcp.kiada.kiada.svc.cluster.local.", RecordType.TXT)]
    [InlineData("cluster.local.", RecordType.NS)]
    [InlineData("cluster.local.", RecordType.SOA)]
    [InlineData("dns-version.cluster.local.", RecordType.TXT)]
    [InlineData("8.8.8.8.in-addr.arpa.", RecordType.PTR)]
    [InlineData("example.com.", RecordType.A)]
    public void Resolve_ExistingSnapshotAnswer_AllocatesNothing(string name, RecordType type)
    {
        Span<byte> address = stackalloc byte[16];
        Span<char> text = stackalloc char[256];

        // Warm up: JIT, static constructors and tiering must not count as the query's allocations.
        for (var i = 0; i < 3; i++)
        {
            Consume(Snapshot.Resolve(name, type), address, text);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var checksum = 0;
        for (var i = 0; i < 1000; i++)
        {
            checksum += Consume(Snapshot.Resolve(name, type), address, text);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    /// <summary>Touches everything a server would: rcode, every record's owner, type, TTL and RDATA.</summary>
    private static int Consume(Resolution resolution, Span<byte> address, Span<char> text)
    {
        var sum = (int)resolution.ResponseCode + 1;
        sum += Walk(resolution.Answer, address, text);
        sum += Walk(resolution.Authority, address, text);
        sum += Walk(resolution.Additional, address, text);
        return sum;
    }

    private static int Walk(RecordSection section, Span<byte> address, Span<char> text)
    {
        var sum = 0;
        foreach (var record in section)
        {
            Assert.True(record.Name.TryCopyTo(text, out var written));
            sum += written + (int)record.TimeToLive + (int)record.Type;
            if (record.TryWriteAddress(address, out var bytes))
            {
                sum += bytes + address[bytes - 1];
            }

            if (record.Type is RecordType.SRV or RecordType.CNAME or RecordType.NS or RecordType.SOA)
            {
                Assert.True(record.Target.TryCopyTo(text, out written));
                sum += written + record.Port + record.Weight;
            }

            sum += record.Text.Length + (int)record.Serial;
        }

        return sum;
    }
}
