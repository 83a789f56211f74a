using System.Buffers.Binary;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Tests.Conformance;
using KubeDns.Records.Wire;
using ArRecordType = ARSoft.Tools.Net.Dns.RecordType;
using RecordType = KubeDns.Records.RecordType;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// The wire layer against independent parsers: every response we write parses with ARSoft's DnsMessage.Parse and
/// holds exactly the resolver's answer; protocol codes of specification.md §15; truncation.
/// </summary>
public class DnsWireTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create().Current;

    public static TheoryData<string> CaseIds() => ConformanceTests.CaseIds();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void TryRespond_EveryConformanceCase_ParsesAndEqualsTheResolverAnswer(string id)
    {
        var c = ConformanceCases.All.Single(x => x.Id == id);
        if (c.Question.StartsWith('.'))
        {
            // An empty label cannot be written on the wire; only the text API can ask for it.
            return;
        }

        var snapshot = ConformanceClusters.Get(c.Setup).Current;
        var name = c.Question[..c.Question.LastIndexOf(' ')];
        var typeText = c.Question[(c.Question.LastIndexOf(' ') + 1)..];
        var type = typeText.StartsWith("TYPE", StringComparison.Ordinal) ? (RecordType)ushort.Parse(typeText.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture) : Enum.Parse<RecordType>(typeText);

        var query = WireQuery.Build(name, (ushort)type, edns: 4096);
        var buffer = new byte[65535];
        var result = DnsWire.TryRespond(snapshot, query, buffer, DnsTransport.Udp, new DnsWireOptions { MaxUdpPayloadSize = 4096 });
        var resolution = snapshot.Resolve(name, type);

        Assert.Equal(DnsRespondStatus.Respond, result.Status);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));
        Assert.Equal((int)resolution.ResponseCode, (int)message.ReturnCode);
        Assert.Equal(resolution.IsAuthoritative, message.IsAuthoritiveAnswer);
        Assert.True(message.IsQuery == false);
        Assert.Equal(name.TrimEnd('.') + ".", message.Questions[0].Name.ToString());
        Assert.Equal(Lines(resolution.Answer), message.AnswerRecords.Select(Line));
        Assert.Equal(Lines(resolution.Authority), message.AuthorityRecords.Select(Line));
        Assert.Equal(Lines(resolution.Additional), message.AdditionalRecords.Where(r => r.RecordType != ArRecordType.Opt).Select(Line));
        Assert.Equal(4096, message.EDnsOptions!.UdpPayloadSize);
    }

    [Fact]
    public void TryRespond_MixedCaseQuery_EchoesTheQuestionAndOwnersByteForByte()
    {
        var query = WireQuery.Build("QuOtE.KIADA.svc.Cluster.Local", (ushort)RecordType.A);
        var buffer = new byte[512];

        var result = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));

        Assert.Equal(query.AsSpan(12, query.Length - 12 - 11).ToArray(), buffer.AsSpan(12, query.Length - 12 - 11).ToArray());
        Assert.Equal("QuOtE.KIADA.svc.Cluster.Local.", message.AnswerRecords[0].Name.ToString());
        Assert.Equal(0x1234, message.TransactionID);
    }

    [Fact]
    public void TryRespond_Answer_CompressesTheOwnerToThePointerOfTheQuestion()
    {
        var query = WireQuery.Build("quote.kiada.svc.cluster.local", (ushort)RecordType.A, edns: null);
        var buffer = new byte[512];

        var result = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);

        // header 12 + question 31 + 4; answer: C0 0C, type, class, ttl, rdlength 4, 10.96.161.97
        var answer = buffer.AsSpan(query.Length, result.BytesWritten - query.Length).ToArray();
        Assert.Equal(new byte[] { 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 161, 97 }, answer);
        Assert.Equal(new byte[] { 0x12, 0x34, 0x85, 0x00, 0, 1, 0, 1, 0, 0, 0, 0 }, buffer.AsSpan(0, 12).ToArray());
    }

    [Theory]
    [InlineData(512, false)]
    [InlineData(1232, true)]
    public void TryRespond_TwoHundredEndpointsOverUdp_TruncatesToWholeRRsetsWithTc(int clientSize, bool edns)
    {
        var snapshot = Big(200).Current;
        var query = WireQuery.Build("big.load.svc.cluster.local", (ushort)RecordType.A, edns: edns ? clientSize : null);
        var buffer = new byte[65535];

        var result = DnsWire.TryRespond(snapshot, query, buffer, DnsTransport.Udp, default);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));

        Assert.True(result.Truncated);
        Assert.True(message.IsTruncated);
        Assert.True(result.BytesWritten <= clientSize);
        Assert.Empty(message.AnswerRecords); // a single 200-record RRset never fits: no partial RRset is sent
        Assert.Equal(edns, message.IsEDnsEnabled);
    }

    [Fact]
    public void TryRespond_TwoHundredEndpointsSrvOverUdp_DropsGlueThenKeepsWholeRRsets()
    {
        var snapshot = Big(7).Current;
        var query = WireQuery.Build("_http._tcp.big.load.svc.cluster.local", (ushort)RecordType.SRV, edns: null);
        var buffer = new byte[65535];

        var result = DnsWire.TryRespond(snapshot, query, buffer, DnsTransport.Udp, default);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));

        // 7 SRV records fit in 512 bytes only without their 7 glue records: glue is dropped and no TC is set.
        Assert.False(message.IsTruncated);
        Assert.Equal(7, message.AnswerRecords.Count);
        Assert.Empty(message.AdditionalRecords);
    }

    [Fact]
    public void TryRespond_TwoHundredEndpointsOverTcp_GetsEveryRecord()
    {
        var snapshot = Big(200).Current;
        var query = WireQuery.Build("big.load.svc.cluster.local", (ushort)RecordType.A);
        var buffer = new byte[65535];

        var result = DnsWire.TryRespond(snapshot, query, buffer, DnsTransport.Tcp, default);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));

        Assert.False(message.IsTruncated);
        Assert.Equal(200, message.AnswerRecords.Count);
    }

    [Fact]
    public void TryRespond_AnswerOverSixtyFourKiBOverTcp_IsServFail()
    {
        var snapshot = Big(1500, slices: 5).Current;
        var query = WireQuery.Build("_http._tcp.big.load.svc.cluster.local", (ushort)RecordType.SRV);
        var buffer = new byte[65535];

        var result = DnsWire.TryRespond(snapshot, query, buffer, DnsTransport.Tcp, default);

        Assert.Equal(ResponseCode.ServerFailure, result.ResponseCode);
        Assert.Equal(ReturnCode.ServerFailure, DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten)).ReturnCode);
    }

    [Theory]
    [InlineData(5, 0, 1, 0, ResponseCode.NotImplemented)] // NOTIFY
    [InlineData(0, 0, 3, 0, ResponseCode.Refused)] // class CH
    [InlineData(0, 252, 1, 0, ResponseCode.Refused)] // AXFR
    [InlineData(0, 251, 1, 0, ResponseCode.Refused)] // IXFR
    [InlineData(0, 41, 1, 0, ResponseCode.FormatError)] // OPT as a question
    [InlineData(0, 250, 1, 0, ResponseCode.FormatError)] // TSIG as a question
    [InlineData(0, 0, 1, 1, ResponseCode.BadVersion)]
    public void TryRespond_ProtocolRule_GivesTheRuleCode(int opcode, ushort type, ushort qclass, byte ednsVersion, ResponseCode expected)
    {
        var query = WireQuery.Build("quote.kiada.svc.cluster.local", type == 0 ? (ushort)1 : type, opcode: opcode, qclass: qclass, ednsVersion: ednsVersion);
        var buffer = new byte[512];

        var result = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));

        Assert.Equal(expected, result.ResponseCode);
        Assert.Equal((int)expected, (int)message.ReturnCode);
        Assert.Empty(message.AnswerRecords);
        Assert.False(message.IsAuthoritiveAnswer);
    }

    [Fact]
    public void TryRespond_OutsideZones_IsRefusedOrForwarded()
    {
        var query = WireQuery.Build("example.com", (ushort)RecordType.A);
        var buffer = new byte[512];

        var refused = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);
        var forward = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, new DnsWireOptions { FallThrough = true, RecursionAvailable = true });

        Assert.Equal(ResponseCode.Refused, refused.ResponseCode);
        Assert.Equal(DnsRespondStatus.Forward, forward.Status);
        Assert.Equal(0, forward.BytesWritten);
        var reverse = DnsWire.TryRespond(Snapshot, WireQuery.Build("8.8.8.8.in-addr.arpa", (ushort)RecordType.PTR), buffer, DnsTransport.Udp, new DnsWireOptions { FallThrough = true });
        Assert.Equal(DnsRespondStatus.Forward, reverse.Status);
    }

    [Fact]
    public void TryRespond_QdcountZeroOrTwoOrTruncatedQuestion_IsFormErrWithTheIdCopied()
    {
        var buffer = new byte[512];
        var zero = WireQuery.Build("quote.kiada.svc.cluster.local", 1, edns: null);
        BinaryPrimitives.WriteUInt16BigEndian(zero.AsSpan(4), 0);
        var two = WireQuery.Build("quote.kiada.svc.cluster.local", 1, edns: null);
        BinaryPrimitives.WriteUInt16BigEndian(two.AsSpan(4), 2);
        var cut = WireQuery.Build("quote.kiada.svc.cluster.local", 1, edns: null)[..20];

        foreach (var query in new[] { zero, two, cut })
        {
            var result = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);
            Assert.Equal(ResponseCode.FormatError, result.ResponseCode);
            Assert.Equal(12, result.BytesWritten);
            Assert.Equal(new byte[] { 0x12, 0x34, 0x81, 0x01 }, buffer.AsSpan(0, 4).ToArray());
        }
    }

    [Fact]
    public void TryRespond_ResponseOrRunt_IsDropped()
    {
        var buffer = new byte[512];
        var response = WireQuery.Build("quote.kiada.svc.cluster.local", 1);
        response[2] |= 0x80;

        Assert.Equal(DnsRespondStatus.Drop, DnsWire.TryRespond(Snapshot, response, buffer, DnsTransport.Udp, default).Status);
        Assert.Equal(DnsRespondStatus.Drop, DnsWire.TryRespond(Snapshot, new byte[5], buffer, DnsTransport.Udp, default).Status);
    }

    [Fact]
    public void TryRespond_DnssecOk_IsCopiedAndOurPayloadAdvertised()
    {
        var query = WireQuery.Build("quote.kiada.svc.cluster.local", 1, edns: 4096, dnssecOk: true);
        var buffer = new byte[4096];

        var result = DnsWire.TryRespond(Snapshot, query, buffer, DnsTransport.Udp, default);
        var message = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, result.BytesWritten));

        Assert.True(message.IsDnsSecOk);
        Assert.Equal(1232, message.EDnsOptions!.UdpPayloadSize);
        Assert.Equal(0, message.EDnsOptions.Version);
    }

    internal static ClusterState Big(int endpoints, int slices = 1)
    {
        var state = new ClusterState();
        var batch = new ClusterChangeBatch().Upsert(ExampleCluster.Service("load", "big", KubernetesServiceDescriptor.None, ExampleCluster.Port("http", 80)));
        var perSlice = endpoints / slices;
        for (var s = 0; s < slices; s++)
        {
            var list = Enumerable.Range(s * perSlice, perSlice)
                .Select(i => new EndpointDescriptor { Addresses = [$"10.200.{i / 250}.{(i % 250) + 1}"] })
                .ToArray();
            batch.Upsert(ExampleCluster.Slice("load", $"big-{s}", "big", [ExampleCluster.SlicePort("http", 8080)], list));
        }

        state.Apply(batch);
        state.MarkSynced();
        return state;
    }

    private static List<string> Lines(RecordSection section)
    {
        var lines = new List<string>();
        foreach (var record in section)
        {
            lines.Add(record.ToString());
        }

        return lines;
    }

    private static string Line(DnsRecordBase record) =>
        string.Join(' ', record.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
