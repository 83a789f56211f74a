using System.Buffers.Binary;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>Query bytes in, response bytes out, with zero bytes allocated on every path, errors included.</summary>
public class DnsWireAllocationTests
{
    private static readonly ClusterSnapshot Snapshot = Cluster();

    public static TheoryData<string, byte[], DnsTransport> Paths()
    {
        var formErr = WireQuery.Build("quote.kiada.svc.cluster.local", 1);
        BinaryPrimitives.WriteUInt16BigEndian(formErr.AsSpan(4), 2);
        var response = WireQuery.Build("quote.kiada.svc.cluster.local", 1);
        response[2] |= 0x80;
        return new()
        {
            { "A", WireQuery.Build("quote.kiada.svc.cluster.local", 1), DnsTransport.Udp },
            { "A mixed case", WireQuery.Build("QuOtE.KIADA.svc.Cluster.Local", 1), DnsTransport.Udp },
            { "AAAA dual-stack", WireQuery.Build("dual.kiada.svc.cluster.local", 28), DnsTransport.Udp },
            { "SRV 100 endpoints", WireQuery.Build("_http._tcp.big.load.svc.cluster.local", 33, edns: 65535), DnsTransport.Tcp },
            { "SRV truncated", WireQuery.Build("_http._tcp.big.load.svc.cluster.local", 33, edns: null), DnsTransport.Udp },
            { "CNAME chase", WireQuery.Build("quote-alias.kiada.svc.cluster.local", 1), DnsTransport.Udp },
            { "NXDOMAIN", WireQuery.Build("nope.kiada.svc.cluster.local", 1), DnsTransport.Udp },
            { "NODATA", WireQuery.Build("quote.kiada.svc.cluster.local", 28), DnsTransport.Udp },
            { "PTR", WireQuery.Build("9.2.244.10.in-addr.arpa", 12), DnsTransport.Udp },
            { "REFUSED", WireQuery.Build("example.com", 1), DnsTransport.Udp },
            { "NOTIMP", WireQuery.Build("quote.kiada.svc.cluster.local", 1, opcode: 4), DnsTransport.Udp },
            { "BADVERS", WireQuery.Build("quote.kiada.svc.cluster.local", 1, ednsVersion: 1), DnsTransport.Udp },
            { "FORMERR", formErr, DnsTransport.Udp },
            { "dropped response", response, DnsTransport.Udp },
            { "runt", new byte[7], DnsTransport.Udp },
        };
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TryRespond_Path_AllocatesNothing(string path, byte[] query, DnsTransport transport)
    {
        var buffer = new byte[65535];
        for (var i = 0; i < 300; i++)
        {
            DnsWire.TryRespond(Snapshot, query, buffer, transport, default);
        }

        // Best of three rounds: a per-query allocation shows in every round, the runtime's one-off work in one.
        var allocated = long.MaxValue;
        for (var round = 0; round < 3 && allocated > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 500; i++)
            {
                DnsWire.TryRespond(Snapshot, query, buffer, transport, default);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated == 0, $"{path} allocated {allocated} bytes per 500 queries");
    }

    private static ClusterSnapshot Cluster()
    {
        var state = ExampleCluster.Create();
        var big = DnsWireTests.Big(100).Current;
        var batch = new ClusterChangeBatch();
        foreach (var service in big.Services)
        {
            batch.Upsert(service);
        }

        foreach (var slice in big.EndpointSlices)
        {
            batch.Upsert(slice);
        }

        state.Apply(batch);
        return state.Current;
    }
}
