using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// <see cref="DnsWire.TryWriteQuery"/> writes the query a client would send, read back by <see cref="DnsQuery.TryRead"/>;
/// <see cref="DnsWire.ResponseLimit"/> is specification.md §15.3; and TryRespond's order of checks (§15.1) holds
/// when a query fails several at once.
/// </summary>
public class DnsQueryWriterTests
{
    private static readonly ClusterSnapshot Snapshot = ExampleCluster.Create().Current;

    [Fact]
    public void TryWriteQuery_EveryField_ReadsBackTheSame()
    {
        var buffer = new byte[512];
        var fields = new DnsQueryFields
        {
            Id = 0xBEEF,
            RecursionDesired = true,
            CheckingDisabled = true,
            Name = "QuOtE.kiada.svc.cluster.local.",
            Type = RecordType.SRV,
            HasEdns = true,
            UdpPayloadSize = 4096,
            DnssecOk = true,
        };

        Assert.True(DnsWire.TryWriteQuery(fields, buffer, out var length));
        Assert.Equal(DnsQueryStatus.Ok, DnsQuery.TryRead(buffer.AsSpan(0, length), new char[DnsQuery.MaxNameTextLength], out var query));

        Assert.Equal(0xBEEF, query.Id);
        Assert.Equal(0, query.Opcode);
        Assert.True(query.RecursionDesired);
        Assert.True(query.CheckingDisabled);
        Assert.Equal("QuOtE.kiada.svc.cluster.local.", query.Name.ToString());
        Assert.Equal(RecordType.SRV, query.Type);
        Assert.Equal(1, query.Class);
        Assert.True(query.HasEdns);
        Assert.Equal(4096, query.UdpPayloadSize);
        Assert.Equal(0, query.EdnsVersion);
        Assert.True(query.DnssecOk);
    }

    [Theory]
    [InlineData("quote.kiada.svc.cluster.local", true)]
    [InlineData("quote.kiada.svc.cluster.local.", false)]
    [InlineData(".", true)]
    public void TryWriteQuery_AsAClientWritesIt_IsByteForByteTheHandBuiltQuery(string name, bool edns)
    {
        var buffer = new byte[512];
        var fields = new DnsQueryFields { Id = 0x1234, RecursionDesired = true, Name = name, Type = RecordType.A, HasEdns = edns };

        Assert.True(DnsWire.TryWriteQuery(fields, buffer, out var length));

        Assert.Equal(WireQuery.Build(name, (ushort)RecordType.A, edns: edns ? DnsWire.DefaultUdpPayloadSize : null), buffer[..length]);
    }

    [Fact]
    public void TryWriteQuery_EscapedDotAndDecimalEscape_AreOctetsOfOneLabel()
    {
        var buffer = new byte[512];

        Assert.True(DnsWire.TryWriteQuery(new DnsQueryFields { Name = @"a\.b\065.example." }, buffer, out var length));

        byte[] expected = [4, (byte)'a', (byte)'.', (byte)'b', (byte)'A', 7, .. "example"u8.ToArray(), 0];
        Assert.Equal(expected, buffer[12..(length - 4)]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(@"bad\")]
    [InlineData(@"\300.example")]
    public void TryWriteQuery_NotAName_ReturnsFalse(string name)
    {
        Assert.False(DnsWire.TryWriteQuery(new DnsQueryFields { Name = name }, new byte[512], out var length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void TryWriteQuery_EveryShorterDestination_ReturnsFalseAndWritesNothingPastIt()
    {
        var fields = new DnsQueryFields { Name = "quote.kiada.svc.cluster.local", Type = RecordType.A, QuestionCount = 2, HasEdns = true };
        var full = new byte[512];
        Assert.True(DnsWire.TryWriteQuery(fields, full, out var needed));

        for (var size = 0; size < needed; size++)
        {
            var buffer = new byte[needed + 8];
            Assert.False(DnsWire.TryWriteQuery(fields, buffer.AsSpan(0, size), out var length));
            Assert.Equal(0, length);
            Assert.All(buffer[size..], b => Assert.Equal(0, b));
        }
    }

    [Theory]
    [InlineData(DnsTransport.Udp, false, 4096, 1232, 512)]
    [InlineData(DnsTransport.Udp, true, 4096, 1232, 1232)]
    [InlineData(DnsTransport.Udp, true, 1000, 1232, 1000)]
    [InlineData(DnsTransport.Udp, true, 100, 1232, 512)] // below 512 means 512 (RFC 6891 §6.2.5)
    [InlineData(DnsTransport.Udp, true, 0, 4096, 512)]
    [InlineData(DnsTransport.Tcp, false, 0, 1232, 65535)]
    [InlineData(DnsTransport.Tcp, true, 512, 1232, 65535)]
    public void ResponseLimit_TransportAndPayloadSizes_IsTheSpecificationsLimit(DnsTransport transport, bool edns, int client, int ours, int expected)
    {
        Assert.Equal(expected, DnsWire.ResponseLimit(transport, edns, client, ours));
    }

    public static TheoryData<string, int, byte, int, RecordType, ushort, ResponseCode, int> FailingSeveralChecks() => new()
    {
        // What the query gets wrong (opcode, EDNS version, QDCOUNT, type, class), and the first check in §15.1 order.
        { "opcode 1, EDNS version 1, QDCOUNT 2", 1, 1, 2, RecordType.A, 1, ResponseCode.FormatError, DnsWire.HeaderLength },
        { "opcode 1, EDNS version 1, OPT question, class CH", 1, 1, 1, RecordType.OPT, 3, ResponseCode.NotImplemented, -1 },
        { "EDNS version 1, TSIG question, class CH", 0, 1, 1, RecordType.TSIG, 3, ResponseCode.BadVersion, -1 },
        { "TKEY question, class CH", 0, 0, 1, RecordType.TKEY, 3, ResponseCode.FormatError, -1 },
        { "AXFR, class CH", 0, 0, 1, RecordType.AXFR, 3, ResponseCode.Refused, -1 },
    };

    [Theory]
    [MemberData(nameof(FailingSeveralChecks))]
    public void TryRespond_QueryFailingSeveralChecks_GetsTheFirstChecksCode(string what, int opcode, byte version, int questions, RecordType type, ushort qclass, ResponseCode expected, int expectedLength)
    {
        var query = new byte[512];
        var fields = new DnsQueryFields
        {
            Id = 7,
            Opcode = opcode,
            Name = "quote.kiada.svc.cluster.local",
            Type = type,
            Class = qclass,
            QuestionCount = questions,
            HasEdns = true,
            EdnsVersion = version,
        };
        Assert.True(DnsWire.TryWriteQuery(fields, query, out var length), what);
        var response = new byte[512];

        var result = DnsWire.TryRespond(Snapshot, query.AsSpan(0, length), response, DnsTransport.Udp, default);

        Assert.Equal(DnsRespondStatus.Respond, result.Status);
        Assert.Equal(expected, result.ResponseCode);
        var message = ARSoft.Tools.Net.Dns.DnsMessage.Parse(new ArraySegment<byte>(response, 0, result.BytesWritten));
        Assert.Equal((int)expected, (int)message.ReturnCode);
        if (expectedLength > 0)
        {
            Assert.Equal(expectedLength, result.BytesWritten);
        }
        else
        {
            // The refusals after FORMERR-for-malformed echo the question and carry OPT, as every reply to EDNS does.
            Assert.Single(message.Questions);
            Assert.Empty(message.AnswerRecords);
            Assert.NotNull(message.EDnsOptions);
        }
    }
}
