using ARSoft.Tools.Net.Dns;
using KubeDns.Records.ArSoft;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// <see cref="KubeDnsQueryHandler"/> on its own, as on an ARSoft server of the caller's: it sees only ARSoft's parsed
/// message (no client bytes), and still reads names as the native engine does (docs/server.md).
/// </summary>
public sealed class ArSoftQueryHandlerTests
{
    [Fact]
    public async Task RespondAsync_DottedLabelInZone_NxDomainWithAaAndSoa()
    {
        using var handler = new KubeDnsQueryHandler(ServerFixture.CreateState());
        var bytes = new RawQuery { WireName = [3, (byte)'a', (byte)'.', (byte)'b', .. RawDns.EncodeName("kiada.svc.cluster.local")] }.ToBytes();
        var query = DnsMessage.Parse(new ArraySegment<byte>(bytes));

        var response = Assert.IsType<DnsMessage>(await handler.RespondAsync(query, TransportProtocol.Udp));

        Assert.Equal(ReturnCode.NxDomain, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.Equal(ARSoft.Tools.Net.Dns.RecordType.Soa, Assert.Single(response.AuthorityRecords).RecordType);
        Assert.Equal("a.b", Assert.Single(response.Questions).Name.Labels[0]);
    }

    [Fact]
    public async Task RespondAsync_LabelContainingDotOutsideZones_Refused()
    {
        using var handler = new KubeDnsQueryHandler(ServerFixture.CreateState());
        byte[] name = [.. RawDns.EncodeName("quote.kiada")[..^1], 11, .. "svc.cluster"u8, 5, .. "local"u8, 0];
        var query = DnsMessage.Parse(new ArraySegment<byte>(new RawQuery { WireName = name }.ToBytes()));

        var response = Assert.IsType<DnsMessage>(await handler.RespondAsync(query, TransportProtocol.Udp));

        Assert.Equal(ReturnCode.Refused, response.ReturnCode);
    }
}
