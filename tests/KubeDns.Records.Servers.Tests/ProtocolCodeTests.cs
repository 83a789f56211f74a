using System.Net;
using System.Text;

namespace KubeDns.Records.Servers.Tests;

/// <summary>Response codes of specification.md §15, asserted with dig and with hand-built packets, on each engine.</summary>
public abstract class ProtocolCodeTests(ServerFixture fixture)
{
    private const int FormErr = 1;
    private const int ServFail = 2;
    private const int NxDomain = 3;
    private const int NotImp = 4;
    private const int Refused = 5;
    private const int BadVers = 16;

    [Fact]
    public async Task BadVers_DigEdnsVersion1_ReportsBadversAndRetries()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+edns=1", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("BADVERS", output);
    }

    [Fact]
    public async Task BadVers_DigWithoutNegotiation_StatusBadversWithVersion0()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+edns=1", "+noednsnegotiation", "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("BADVERS", Dig.Status(output));
        Assert.Contains("; EDNS: version: 0,", output);
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task BadVers_RawOptVersion1_ExtendedRcode16InOpt()
    {
        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, new RawQuery { Id = 0x0101, EdnsPayload = 1232, EdnsVersion = 1 }.ToBytes());

        Assert.Equal(0x0101, reply.Id);
        Assert.True(reply.HasOpt);
        Assert.Equal(0, reply.HeaderRcode);
        Assert.Equal(1, reply.OptExtendedRcode);
        Assert.Equal(BadVers, reply.Rcode);
        Assert.Equal(0, reply.OptVersion);
        Assert.Equal(0, reply.AnCount);
    }

    [Fact]
    public async Task Refused_DigClassChaos_RefusedWithoutAa()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "-c", "CH", "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("REFUSED", Dig.Status(output));
        Assert.Equal("qr rd", Dig.Flags(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [InlineData(3)] // CH
    [InlineData(4)] // HS
    [InlineData(255)] // ANY
    public async Task Refused_RawClassOtherThanIn_Refused(ushort @class)
    {
        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, new RawQuery { Class = @class }.ToBytes());

        Assert.Equal(Refused, reply.Rcode);
        Assert.Equal(0, reply.AnCount);
    }

    [Theory]
    [InlineData("AXFR")]
    [InlineData("IXFR=1")]
    public async Task Refused_DigZoneTransferOverTcp_TransferFails(string type)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+tcp", type, "cluster.local");

        Assert.Contains("Transfer failed", output);
        Assert.DoesNotContain("IN\tSOA", output);
    }

    [Theory]
    [InlineData(252, true)] // AXFR
    [InlineData(251, true)] // IXFR
    [InlineData(252, false)]
    [InlineData(251, false)]
    public async Task Refused_RawZoneTransfer_Refused(ushort type, bool tcp)
    {
        var query = new RawQuery { Id = 0x0202, Name = "cluster.local", Type = type }.ToBytes();

        var reply = tcp
            ? await RawDns.ExchangeTcpAsync(fixture.EndPoint, query)
            : await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(0x0202, reply.Id);
        Assert.Equal(Refused, reply.Rcode);
        Assert.Equal(0, reply.AnCount);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("local")]
    [InlineData("svc.cluster.local.example.com")]
    public async Task Refused_NameOutsideEveryZoneWithoutUpstream_RefusedWithoutAa(string name)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, name, "A");

        Assert.Equal("REFUSED", Dig.Status(output));
        Assert.Equal("qr rd", Dig.Flags(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Empty(Dig.Section(output, "AUTHORITY"));
    }

    [Theory]
    [InlineData("status", "STATUS")]
    [InlineData("notify", "NOTIFY")]
    public async Task NotImp_DigOtherOpcode_NotImp(string opcode, string shown)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, $"+opcode={opcode}", "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("NOTIMP", Dig.Status(output));
        Assert.Contains($"opcode: {shown},", output);
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [InlineData(1)] // IQUERY (obsolete)
    [InlineData(2)] // STATUS
    [InlineData(3)] // unassigned
    [InlineData(4)] // NOTIFY
    [InlineData(5)] // UPDATE
    [InlineData(6)] // DSO
    [InlineData(15)]
    public async Task NotImp_RawOpcode_NotImpWithOpcodeCopied(int opcode)
    {
        var query = new RawQuery { Id = (ushort)(0x0300 + opcode), Name = "cluster.local", Type = 6, Opcode = opcode }.ToBytes();

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.True(reply.IsResponse);
        Assert.Equal(opcode, reply.Opcode);
        Assert.Equal(NotImp, reply.Rcode);
    }

    [Fact]
    public async Task FormErr_RawQdCount0_FormErr()
    {
        var query = RawDns.Header(0x0401, flags: 0x0100, qdcount: 0);

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(0x0401, reply.Id);
        Assert.True(reply.IsResponse);
        Assert.Equal(FormErr, reply.Rcode);
        Assert.Equal(0, reply.AnCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FormErr_RawQdCount2_FormErr(bool tcp)
    {
        byte[] query =
        [
            .. RawDns.Header(0x0402, flags: 0x0100, qdcount: 2),
            .. RawDns.Question("quote.kiada.svc.cluster.local"),
            .. RawDns.Question("kiada.kiada.svc.cluster.local"),
        ];

        var reply = tcp ? await RawDns.ExchangeTcpAsync(fixture.EndPoint, query) : await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(0x0402, reply.Id);
        Assert.Equal(FormErr, reply.Rcode);
        Assert.Equal(0, reply.AnCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FormErr_RawTruncatedName_FormErrWithIdAndRdCopied(bool tcp)
    {
        // A readable header, then a QNAME cut off in the middle of its second label (no type, no class).
        var full = RawDns.Question("quote.kiada.svc.cluster.local");
        byte[] query = [.. RawDns.Header(0x0403, flags: 0x0100, qdcount: 1), .. full.AsSpan(0, 9)];

        var reply = tcp ? await RawDns.ExchangeTcpAsync(fixture.EndPoint, query) : await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(0x0403, reply.Id);
        Assert.True(reply.IsResponse);
        Assert.True(reply.RecursionDesired);
        Assert.Equal(FormErr, reply.Rcode);
    }

    [Fact]
    public async Task FormErr_RawQuestionWithoutTypeAndClass_FormErr()
    {
        byte[] query = [.. RawDns.Header(0x0404, flags: 0x0100, qdcount: 1), .. RawDns.EncodeName("quote.kiada.svc.cluster.local")];

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(FormErr, reply.Rcode);
    }

    [Theory]
    [InlineData(0x40)] // extended label type (RFC 6891 §5)
    [InlineData(0x80)] // reserved label type
    public async Task FormErr_RawUnknownLabelType_FormErr(byte labelType)
    {
        byte[] query = [.. RawDns.Header(0x0405, flags: 0x0100, qdcount: 1), (byte)(labelType | 3), (byte)'a', (byte)'b', (byte)'c', 0, 0, 1, 0, 1];

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(FormErr, reply.Rcode);
    }

    [Fact]
    public async Task FormErr_RawCompressionPointerLoop_FormErr()
    {
        // QNAME is a pointer to itself (offset 12).
        byte[] query = [.. RawDns.Header(0x0406, flags: 0x0100, qdcount: 1), 0xC0, 12, 0, 1, 0, 1];

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(FormErr, reply.Rcode);
    }

    [Fact]
    public async Task FormErr_RawTrailingGarbage_FormErr()
    {
        byte[] query = [.. new RawQuery { Id = 0x0407 }.ToBytes(), 0xDE, 0xAD];

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(FormErr, reply.Rcode);
    }

    [Theory]
    [InlineData(41)] // OPT
    [InlineData(249)] // TKEY
    [InlineData(250)] // TSIG
    public async Task FormErr_RawMetaTypeAsQuestion_FormErr(ushort type)
    {
        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, new RawQuery { Id = 0x0408, Type = type }.ToBytes());

        Assert.Equal(FormErr, reply.Rcode);
    }

    [Fact]
    public async Task FormErr_RawTwoOptRecords_FormErr()
    {
        byte[] opt = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0];
        byte[] query = [.. RawDns.Header(0x0409, flags: 0x0100, qdcount: 1, arcount: 2), .. RawDns.Question("quote.kiada.svc.cluster.local"), .. opt, .. opt];

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(FormErr, reply.Rcode);
    }

    [Fact]
    public async Task NxDomain_NotOursReverseWithoutUpstream_NxDomainWithReverseSoa()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "8.8.8.8.in-addr.arpa", "PTR");

        Assert.Equal("NXDOMAIN", Dig.Status(output));
        Assert.Equal("qr aa rd", Dig.Flags(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Equal(
            ["in-addr.arpa. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5"],
            TestServers.WithoutSerial(Dig.Section(output, "AUTHORITY")));
    }

    [Fact]
    public async Task Ptr_ClusterIP_AnswersService()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "-x", "10.96.161.97");

        Assert.Equal(["97.161.96.10.in-addr.arpa. 5 IN PTR quote.kiada.svc.cluster.local."], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task ServFail_NotSynced_UnknownNameServfailWithSoaKnownNameAnswered()
    {
        await using var server = await TestServers.StartAsync(fixture.Engine, ServerFixture.CreateState(synced: false));

        var nope = await Dig.RunAsync(server.LocalEndPoint!, "nope.kiada.svc.cluster.local", "A");
        var quote = await Dig.RunAsync(server.LocalEndPoint!, "quote.kiada.svc.cluster.local", "A");
        var reverse = await Dig.RunAsync(server.LocalEndPoint!, "8.8.8.8.in-addr.arpa", "PTR");

        Assert.Equal("SERVFAIL", Dig.Status(nope));
        Assert.Equal(
            ["cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5"],
            TestServers.WithoutSerial(Dig.Section(nope, "AUTHORITY")));
        Assert.Equal("NOERROR", Dig.Status(quote));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));
        Assert.Equal("SERVFAIL", Dig.Status(reverse));
    }

    [Fact]
    public async Task ServFail_MarkSyncedWhileRunning_NextQueryNxDomain()
    {
        var state = ServerFixture.CreateState(synced: false);
        await using var server = await TestServers.StartAsync(fixture.Engine, state);
        var query = new RawQuery { Name = "nope.kiada.svc.cluster.local" }.ToBytes();
        var before = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query);

        state.MarkSynced();
        var after = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query);

        Assert.Equal(ServFail, before.Rcode);
        Assert.Equal(1, before.NsCount);
        Assert.Equal(NxDomain, after.Rcode);
        Assert.Equal(1, after.NsCount);
    }

    [Fact]
    public async Task QueryAnswered_EveryAnsweredQuery_RaisedWithCodeAndTransport()
    {
        await using var server = await TestServers.StartAsync(fixture.Engine, ServerFixture.CreateState());
        using var answered = new AnsweredQueries(server);

        // Each exchange waits for its event: an engine may raise it for a UDP query after sending the reply.
        await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Name = "QuOtE.kiada.svc.cluster.local" }.ToBytes());
        await answered.WaitForAsync(1);
        await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery { Name = "nope.kiada.svc.cluster.local", Type = 28 }.ToBytes());
        await answered.WaitForAsync(2);
        await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, RawDns.Header(0x0701, flags: 0x0100, qdcount: 0));
        var events = await answered.WaitForAsync(3);

        Assert.Collection(
            events,
            e => Assert.Equal(("QuOtE.kiada.svc.cluster.local.", RecordType.A, ResponseCode.NoError, false, false), (e.Name, e.Type, e.ResponseCode, e.IsTcp, e.Forwarded)),
            e => Assert.Equal(("nope.kiada.svc.cluster.local.", RecordType.AAAA, ResponseCode.NameError, true), (e.Name, e.Type, e.ResponseCode, e.IsTcp)),
            e => Assert.Equal((string.Empty, ResponseCode.FormatError, false), (e.Name, e.ResponseCode, e.IsTcp)));
        Assert.Equal(IPAddress.Loopback, events[1].RemoteEndPoint?.Address);
    }

    [Fact]
    public async Task QueryAnswered_MalformedQuestionFormErr_Raised()
    {
        await using var server = await TestServers.StartAsync(fixture.Engine, ServerFixture.CreateState());
        using var answered = new AnsweredQueries(server);
        var full = RawDns.Question("quote.kiada.svc.cluster.local");

        var reply = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, [.. RawDns.Header(0x0702, flags: 0x0100, qdcount: 1), .. full.AsSpan(0, 9)]);

        Assert.Equal(FormErr, reply.Rcode);
        var e = Assert.Single(await answered.WaitForAsync(1));
        Assert.Equal(ResponseCode.FormatError, e.ResponseCode);
    }

    /// <summary>The UDP client's address is in the event, as for TCP (a test in the engine classes).</summary>
    protected async Task AssertQueryAnsweredUdpRemoteEndPointAsync()
    {
        await using var server = await TestServers.StartAsync(fixture.Engine, ServerFixture.CreateState());
        using var answered = new AnsweredQueries(server);
        using var client = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(server.LocalEndPoint!);
        var query = new RawQuery { Id = 0x0703 }.ToBytes();

        await client.SendAsync(query);
        Assert.NotNull(await RawDns.ReceiveUdpAsync(client, 0x0703, RawDns.ReplyTimeout));

        var e = Assert.Single(await answered.WaitForAsync(1));
        Assert.Equal(client.Client.LocalEndPoint, e.RemoteEndPoint);
    }

    [Fact]
    public async Task Header_RawQuery_IdOpcodeRdCopiedQuestionEchoed()
    {
        var query = new RawQuery { Id = 0xBEEF, Name = "QuOtE.kiada.SVC.cluster.local", RecursionDesired = false };
        var bytes = query.ToBytes();

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, bytes);

        Assert.Equal(0xBEEF, reply.Id);
        Assert.True(reply.IsResponse);
        Assert.Equal(0, reply.Opcode);
        Assert.True(reply.IsAuthoritative);
        Assert.False(reply.RecursionDesired);
        Assert.False(reply.RecursionAvailable);
        Assert.False(reply.IsTruncated);
        Assert.Equal(1, reply.QdCount);
        Assert.Equal(bytes[12..], reply.QuestionBytes);
        Assert.Equal(1, reply.AnCount);
        Assert.False(reply.HasOpt);
    }

    [Fact]
    public async Task Edns_RawQuerySmallPayload_OptCarriesOurSizeAndDo()
    {
        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, new RawQuery { EdnsPayload = 600, DnssecOk = true }.ToBytes());

        Assert.True(reply.HasOpt);
        Assert.Equal(1232, reply.OptPayload);
        Assert.True(reply.OptDnssecOk);
        Assert.Equal(0, reply.Rcode);
    }

    /// <summary>§15: the question is echoed byte for byte, even a non-ASCII label.</summary>
    [Fact]
    public async Task Header_NonAsciiLabel_QuestionEchoedByteForByte()
    {
        byte[] name = [.. new byte[] { 4, (byte)'c', (byte)'a', (byte)'f', 0xE9 }, .. RawDns.EncodeName("kiada.svc.cluster.local")];
        var bytes = new RawQuery { Id = 0x0501, WireName = name }.ToBytes();

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, bytes);

        Assert.Equal(NxDomain, reply.Rcode);
        Assert.Equal(bytes[12..], reply.QuestionBytes);
    }

    [Fact]
    public async Task Refused_LabelContainingDot_OutsideZones()
    {
        byte[] name =
        [
            .. RawDns.EncodeName("quote.kiada")[..^1],
            11, .. Encoding.ASCII.GetBytes("svc.cluster"),
            5, .. Encoding.ASCII.GetBytes("local"),
            0,
        ];
        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, new RawQuery { Id = 0x0502, WireName = name }.ToBytes());

        Assert.Equal(Refused, reply.Rcode);
        Assert.Equal(0, reply.NsCount);
    }
}

/// <summary><see cref="ProtocolCodeTests"/> on the native engine.</summary>
public sealed class NativeProtocolCodeTests(NativeServerFixture fixture) : ProtocolCodeTests(fixture), IClassFixture<NativeServerFixture>
{
    [Fact]
    public Task QueryAnswered_UdpQuery_RemoteEndPointIsClient() => AssertQueryAnsweredUdpRemoteEndPointAsync();
}
