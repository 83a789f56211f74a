
namespace KubeDns.Records.Tests.Snapshot;

/// <summary>
/// The query path allocates nothing for any answer the snapshot holds (issue #3, style rule 10), measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>: resolving and walking every record of every section.
/// </summary>
public class ZeroAllocationTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create().Current;
    private static readonly ClusterSnapshot InsecurePods = ExampleCluster.Create(o => o.Pods = PodRecordMode.Insecure).Current;
    private static readonly ClusterSnapshot VerifiedPods = ExampleCluster.Create(o => o.Pods = PodRecordMode.Verified).Current;
    private static readonly ClusterSnapshot Rotating = ExampleCluster.Create(o => o.RecordOrder = RecordOrder.Shuffle).Current;
    private static readonly ClusterSnapshot Wildcards = WildcardShadowTests.Cluster().Current;

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
    [InlineData("97.161.96.10.in-addr.arpa.", RecordType.PTR)]
    [InlineData("9.2.244.10.in-addr.arpa.", RecordType.PTR)]
    [InlineData("7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa.", RecordType.PTR)]
    [InlineData("244.10.in-addr.arpa.", RecordType.PTR)]
    [InlineData("10-244-1-4.kiada.pod.cluster.local.", RecordType.A)]
    public void Resolve_ExistingSnapshotAnswer_AllocatesNothing(string name, RecordType type) =>
        AssertNoAllocation(Snapshot, name, type);

    [Theory]
    [InlineData("10-244-1-4.kiada.pod.cluster.local.", RecordType.A)]
    [InlineData("fd00-10-244-1--7.kiada.pod.cluster.local.", RecordType.AAAA)]
    [InlineData("kiada.pod.cluster.local.", RecordType.A)]
    [InlineData("1-2-3-4.nope.pod.cluster.local.", RecordType.A)]
    public void Resolve_InsecurePodName_AllocatesNothing(string name, RecordType type) =>
        AssertNoAllocation(InsecurePods, name, type);

    [Theory]
    [InlineData("10-244-1-4.kiada.pod.cluster.local.", RecordType.A)]
    [InlineData("FD00-10-244-1-0-0-0-7.kiada.pod.cluster.local.", RecordType.AAAA)]
    [InlineData("1-2-3-4.kiada.pod.cluster.local.", RecordType.A)]
    public void Resolve_VerifiedPodName_AllocatesNothing(string name, RecordType type) =>
        AssertNoAllocation(VerifiedPods, name, type);

    [Theory]
    [InlineData("quote-headless.kiada.svc.cluster.local.", RecordType.A)]
    [InlineData("db-headless.data.svc.cluster.local.", RecordType.ANY)]
    public void Resolve_ShuffledOrder_AllocatesNothing(string name, RecordType type) =>
        AssertNoAllocation(Rotating, name, type);

    /// <summary>
    /// Wildcards on, with objects literally named <c>any</c> (the cluster of <see cref="WildcardShadowTests"/>, record-synthesis.md §5.3): a name a real object shadows,
    /// and a name no wildcard matches, allocate nothing. (An expansion over several objects allocates its answer
    /// arrays, wire.md "Allocation"; benchmarks measure it.)
    /// </summary>
    [Theory]
    [InlineData("any.shop.svc.cluster.local.", RecordType.A)]
    [InlineData("web.any.svc.cluster.local.", RecordType.A)]
    [InlineData("any.pool.shop.svc.cluster.local.", RecordType.A)]
    [InlineData("_any._tcp.cart.shop.svc.cluster.local.", RecordType.SRV)]
    [InlineData("_http._tcp.any.shop.svc.cluster.local.", RecordType.SRV)]
    [InlineData("pool.shop.svc.cluster.local.", RecordType.SRV)]
    [InlineData("nope.any.svc.cluster.local.", RecordType.A)]
    [InlineData("nope.*.svc.cluster.local.", RecordType.A)]
    [InlineData("_udp.any.shop.svc.cluster.local.", RecordType.SRV)]
    public void Resolve_WildcardOrShadowingName_AllocatesNothing(string name, RecordType type) =>
        AssertNoAllocation(Wildcards, name, type);

    private static void AssertNoAllocation(ClusterSnapshot snapshot, string name, RecordType type)
    {
        Span<byte> address = stackalloc byte[16];
        Span<char> text = stackalloc char[256];

        // Warm up: JIT, static constructors and tiering must not count as the query's allocations.
        for (var i = 0; i < 300; i++)
        {
            Consume(snapshot.Resolve(name, type), address, text);
        }

        // A per-query allocation shows in every round (1,000 queries each); the runtime's one-off work (tiered
        // compilation patching a method mid-run) can show in one round only, so the best of three is the measure.
        var allocated = long.MaxValue;
        var checksum = 0;
        for (var round = 0; round < 3 && allocated > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                checksum += Consume(snapshot.Resolve(name, type), address, text);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

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

            if (record.Type is RecordType.SRV or RecordType.CNAME or RecordType.NS or RecordType.SOA or RecordType.PTR)
            {
                Assert.True(record.Target.TryCopyTo(text, out written));
                sum += written + record.Port + record.Weight;
            }

            sum += record.Text.Length + (int)record.Serial;
        }

        return sum;
    }
}
