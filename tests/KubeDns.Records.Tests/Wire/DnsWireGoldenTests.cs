using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>Whole responses compared byte for byte (the SOA serial fixed by a clock that does not move).</summary>
public class DnsWireGoldenTests
{
    private static readonly ClusterSnapshot Snapshot = Cluster();

    [Theory]
    // Header, question, then: A with its owner a pointer to the question (C00C); the SOA of an NXDOMAIN owned by
    // "cluster.local" inside the question (C01B), its names compressed; an SRV target written in full (RFC 2782)
    // and its glue owner pointing into the question ("kiada.kiada.svc…" at C017).
    [InlineData("quote.kiada.svc.cluster.local", 1,
        "ABCD8500000100010000000005717"
        + "56F7465056B696164610373766307636C7573746572056C6F63616C0000010001"
        + "C00C000100010000000500040A60A161")]
    [InlineData("nope.kiada.svc.cluster.local", 1,
        "ABCD8503000100000001000004"
        + "6E6F7065056B696164610373766307636C7573746572056C6F63616C0000010001"
        + "C01B0006000100000005002A026E7303646E73C01B0A686F73746D6173746572C01B"
        + "77359402 00001C20 00000708 00015180 00000005")]
    [InlineData("_http._tcp.kiada.kiada.svc.cluster.local", 33,
        "ABCD85000001000100000001055F68747470045F746370056B69616461056B6961646103737663"
        + "07636C7573746572056C6F63616C0000210001"
        + "C00C0021000100000005002500000064005005"
        + "6B69616461056B696164610373766307636C7573746572056C6F63616C00"
        + "C017000100010000000500040A60076C")]
    public void TryRespond_Question_WritesExactlyTheseBytes(string name, ushort type, string expectedHex)
    {
        var query = WireQuery.Build(name, type, id: 0xABCD, edns: null);
        var buffer = new byte[512];

        var result = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);

        Assert.Equal(Normalize(expectedHex), Convert.ToHexString(buffer, 0, result.BytesWritten));
    }

    private static string Normalize(string hex) => hex.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static ClusterSnapshot Cluster()
    {
        // Serial: the clock says 2033-05-18 (0x77359400 s); two publications later the serial is 0x77359402.
        var state = new ClusterState(new ClusterDnsOptions(), new FixedClock(DateTimeOffset.FromUnixTimeSeconds(0x77359400)));
        state.Apply(ExampleCluster.Batch());
        state.MarkSynced();
        return state.Current;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
