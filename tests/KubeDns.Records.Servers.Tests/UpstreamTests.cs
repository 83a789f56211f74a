using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>Forwarding to upstreams (specification.md §15), against a fake upstream on 127.0.0.1, on each engine.</summary>
public abstract class UpstreamTests(Engine engine) : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private ITestServer _server = null!;

    private IPEndPoint EndPoint => _server.LocalEndPoint!;

    public async Task InitializeAsync()
    {
        _upstream = FakeUpstream.Start();
        var state = ExampleCluster.Create();
        state.Apply(new ClusterChangeBatch()
            .Upsert(ExampleCluster.ExternalName("kiada", "gone", "missing.example.org"))
            .Upsert(ExampleCluster.ExternalName("kiada", "crowd", "many.example.net")));
        _server = await TestServers.StartAsync(engine, state, o => o.Upstreams.Add(_upstream.EndPoint));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Forward_OutsideName_UpstreamAnswerRelayedNotAuthoritative(string transport)
    {
        var output = await Dig.RunAsync(EndPoint, transport, "example.com", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["example.com. 300 IN A 192.0.2.1"], Dig.Section(output, "ANSWER"));
        Assert.Equal("qr rd ra", Dig.Flags(output));
        Assert.True(_upstream.Queries > 0);
    }

    [Fact]
    public async Task Forward_MixedCaseOutsideName_OwnerEchoesSpelling()
    {
        var output = await Dig.RunAsync(EndPoint, "WwW.Example.COM", "A");

        Assert.Equal(["WwW.Example.COM. 300 IN A 192.0.2.1"], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Forward_NotOursReverseName_UpstreamPtrRelayed()
    {
        var output = await Dig.RunAsync(EndPoint, "8.8.8.8.in-addr.arpa", "PTR");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["8.8.8.8.in-addr.arpa. 300 IN PTR dns.google."], Dig.Section(output, "ANSWER"));
        Assert.Equal("qr rd ra", Dig.Flags(output));
    }

    [Fact]
    public async Task Forward_UpstreamNxDomain_Relayed()
    {
        var output = await Dig.RunAsync(EndPoint, "missing.example.com", "A");

        Assert.Equal("NXDOMAIN", Dig.Status(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Equal("qr rd ra", Dig.Flags(output));
    }

    [Fact]
    public async Task Forward_ExternalNameCnameQuery_NotForwarded()
    {
        var before = _upstream.Queries;

        var output = await Dig.RunAsync(EndPoint, "time-api.kiada.svc.cluster.local", "CNAME");

        Assert.Equal(["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."], Dig.Section(output, "ANSWER"));
        Assert.Equal(before, _upstream.Queries);
    }

    [Fact]
    public async Task Forward_InZoneNames_NeverForwardedAndAuthoritative()
    {
        var before = _upstream.Queries;

        var quote = await Dig.RunAsync(EndPoint, "quote.kiada.svc.cluster.local", "A");
        var nope = await Dig.RunAsync(EndPoint, "nope.kiada.svc.cluster.local", "A");

        Assert.Equal("qr aa rd ra", Dig.Flags(quote));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));
        Assert.Equal("NXDOMAIN", Dig.Status(nope));
        Assert.Equal("qr aa rd ra", Dig.Flags(nope));
        Assert.Single(Dig.Section(nope, "AUTHORITY"));
        Assert.Equal(before, _upstream.Queries);
    }

    [Fact]
    public async Task Forward_ClassChaos_RefusedNotForwarded()
    {
        var before = _upstream.Queries;

        var output = await Dig.RunAsync(EndPoint, "-c", "CH", "example.com", "A");

        Assert.Equal("REFUSED", Dig.Status(output));
        Assert.Equal(before, _upstream.Queries);
    }

    [Fact]
    public async Task Forward_BigUpstreamAnswerOverTcp_AllRecords()
    {
        var output = await Dig.RunAsync(EndPoint, "+tcp", "many.example.com", "A");

        Assert.Equal(100, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Forward_NotSyncedNotOursReverse_Forwarded()
    {
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(synced: false), o => o.Upstreams.Add(_upstream.EndPoint));

        var output = await Dig.RunAsync(server.LocalEndPoint!, "8.8.8.8.in-addr.arpa", "PTR");

        Assert.Equal(["8.8.8.8.in-addr.arpa. 300 IN PTR dns.google."], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Forward_FirstUpstreamDead_SecondAnswers()
    {
        var dead = new IPEndPoint(IPAddress.Loopback, TestServers.FreePort());
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.Upstreams.Add(dead);
            o.Upstreams.Add(_upstream.EndPoint);
            o.UpstreamTimeout = TimeSpan.FromMilliseconds(500);
        });

        var output = await Dig.RunAsync(server.LocalEndPoint!, "+time=8", "example.com", "A");

        Assert.Equal(["example.com. 300 IN A 192.0.2.1"], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Forward_UpstreamPortClosed_ServFail()
    {
        var dead = new IPEndPoint(IPAddress.Loopback, TestServers.FreePort());
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.Upstreams.Add(dead);
            o.UpstreamTimeout = TimeSpan.FromMilliseconds(500);
        });

        var output = await Dig.RunAsync(server.LocalEndPoint!, "+time=8", "example.com", "A");

        Assert.Equal("SERVFAIL", Dig.Status(output));
        Assert.Equal("qr rd ra", Dig.Flags(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Forward_UpstreamSilent_ServFailAfterTimeout()
    {
        // A UDP socket that never reads: the upstream query times out instead of failing at once.
        using var blackHole = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var silent = (IPEndPoint)blackHole.Client.LocalEndPoint!;
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.Upstreams.Add(silent);
            o.UpstreamTimeout = TimeSpan.FromMilliseconds(500);
        });

        var output = await Dig.RunAsync(server.LocalEndPoint!, "+time=8", "example.com", "A");
        var external = await Dig.RunAsync(server.LocalEndPoint!, "+time=8", "time-api.kiada.svc.cluster.local", "A");

        Assert.Equal("SERVFAIL", Dig.Status(output));
        Assert.Equal(["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."], Dig.Section(external, "ANSWER"));
    }

    /// <summary>
    /// RFC 5452 §9.1: a reply counts only when it comes from the upstream's address and port and carries the ID and
    /// the question of the query sent. A forged reply is dropped and the server keeps waiting for the genuine one.
    /// </summary>
    [Theory]
    [InlineData(HostileReply.WrongQuestion)]
    [InlineData(HostileReply.WrongId)]
    [InlineData(HostileReply.OtherPort)]
    public async Task Forward_ForgedReplyFirst_OnlyGenuineRelayed(HostileReply forged)
    {
        await using var upstream = HostileUpstream.Start(forged);
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.Upstreams.Add(upstream.EndPoint));
        var query = new RawQuery { Name = "wrongq.example.org", EdnsPayload = 1232 };

        var reply = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query.ToBytes());

        Assert.Equal(0, reply.Rcode);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], reply.AnswerAddresses);
        Assert.Equal(RawDns.Question("wrongq.example.org"), reply.QuestionBytes);
    }

    [Fact]
    public async Task Forward_OnlyForgedReplies_ServFailAfterTimeout()
    {
        await using var upstream = HostileUpstream.Start(HostileReply.WrongQuestion, genuine: false);
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.Upstreams.Add(upstream.EndPoint);
            o.UpstreamTimeout = TimeSpan.FromMilliseconds(500);
        });

        var reply = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Name = "wrongq.example.org" }.ToBytes());

        Assert.Equal(2, reply.Rcode);
        Assert.Empty(reply.AnswerAddresses);
    }

    /// <summary>
    /// An upstream that lower-cases the question is still answering it (RFC 4343), and the client still gets its own
    /// question back byte for byte, 0x20 letter case included (specification.md §15.1).
    /// </summary>
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Forward_UpstreamLowerCasesQuestion_ClientGetsItsOwnQuestion(string transport)
    {
        await using var upstream = HostileUpstream.Start(HostileReply.LowerCaseQuestion);
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.Upstreams.Add(upstream.EndPoint));
        var query = new RawQuery { Name = "WrOnGq.ExAmPlE.oRg" }.ToBytes();

        var reply = transport == "tcp"
            ? await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, query)
            : await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query);

        Assert.Equal([IPAddress.Parse("192.0.2.1")], reply.AnswerAddresses);
        Assert.Equal(RawDns.Question("WrOnGq.ExAmPlE.oRg"), reply.QuestionBytes);
    }

    /// <summary>RFC 5452 §9.2: each upstream query has an ID of its own; the client gets its own ID back.</summary>
    [Fact]
    public async Task Forward_UpstreamQuery_FreshIdAndClientGetsItsOwn()
    {
        await using var upstream = HostileUpstream.Start();
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.Upstreams.Add(upstream.EndPoint));
        ushort[] clientIds = [0x4B1D, 0x4B1E, 0x4B1F, 0x4B20];

        foreach (var id in clientIds)
        {
            var reply = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = id, Name = $"q{id}.example.org" }.ToBytes());
            Assert.Equal(id, reply.Id);
            Assert.Equal([IPAddress.Parse("192.0.2.1")], reply.AnswerAddresses);
        }

        var upstreamIds = upstream.Received.Select(r => BinaryPrimitives.ReadUInt16BigEndian(r.Query)).ToArray();
        Assert.Equal(clientIds.Length, upstreamIds.Length);
        Assert.NotEqual(clientIds, upstreamIds);
        Assert.True(upstreamIds.Distinct().Count() > 1, $"every upstream query had ID {upstreamIds[0]}");
        Assert.True(upstream.Received.Select(r => r.From.Port).Distinct().Count() > 1, "every upstream query came from one port");
    }

    /// <summary>
    /// A name outside our zones with bytes above 127 (UTF-8 "café") is asked upstream with the client's bytes, not a
    /// lossy copy, and the client gets its question back byte for byte (specification.md §15, docs/wire.md).
    /// </summary>
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Forward_NonAsciiOutsideName_UpstreamAskedSameBytesAndQuestionEchoed(string transport)
    {
        await using var upstream = HostileUpstream.Start();
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.Upstreams.Add(upstream.EndPoint));
        var query = new RawQuery { Id = 0x0E21, WireName = [5, (byte)'C', (byte)'a', (byte)'f', 0xC3, 0xA9, .. RawDns.EncodeName("example.org")] }.ToBytes();

        var reply = transport == "tcp"
            ? await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, query)
            : await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query);

        Assert.Equal(HostileUpstream.QuestionOf(query), HostileUpstream.QuestionOf(Assert.Single(upstream.Received).Query));
        Assert.Equal([IPAddress.Parse("192.0.2.1")], reply.AnswerAddresses);
        Assert.Equal(HostileUpstream.QuestionOf(query), reply.QuestionBytes);
    }

    /// <summary>A client query without EDNS goes upstream without OPT; with EDNS, with our OPT.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forward_ClientEdns_UpstreamQueryOptOnlyWithEdns(bool edns)
    {
        await using var upstream = HostileUpstream.Start();
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.Upstreams.Add(upstream.EndPoint));
        var query = new RawQuery { Name = "plain.example.org", EdnsPayload = edns ? (ushort)4096 : null };

        var reply = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, query.ToBytes());

        Assert.Equal([IPAddress.Parse("192.0.2.1")], reply.AnswerAddresses);
        var sent = Assert.Single(upstream.Received).Query;
        var arcount = BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(10));
        Assert.Equal(edns ? 1 : 0, arcount);
        if (edns)
        {
            var offset = 12 + HostileUpstream.QuestionOf(sent).Length;
            Assert.Equal(41, BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(offset + 1)));
            Assert.True(BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(offset + 3)) >= 512);
        }
    }

    /// <summary>
    /// Not an open resolver (RFC 5358): only clients in the recursion allow list have names outside the zones
    /// forwarded; others get REFUSED and the upstream is never asked. The tests run from 127.0.0.1.
    /// </summary>
    [Theory]
    [InlineData("127.0.0.0/8", "+notcp", "NOERROR")]
    [InlineData("127.0.0.1", "+tcp", "NOERROR")]
    [InlineData("10.0.0.0/8,::1/128", "+notcp", "REFUSED")]
    [InlineData("10.0.0.0/8,::1/128", "+tcp", "REFUSED")]
    [InlineData("", "+notcp", "REFUSED")]
    public async Task Forward_RecursionAllowList_OnlyListedClientsForwarded(string networks, string transport, string status)
    {
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.Upstreams.Add(_upstream.EndPoint);
            o.RecursionAllowedNetworks = networks.Split(',', StringSplitOptions.RemoveEmptyEntries);
        });
        var before = _upstream.Queries;

        var outside = await Dig.RunAsync(server.LocalEndPoint!, transport, "example.com", "A");
        var reverse = await Dig.RunAsync(server.LocalEndPoint!, transport, "8.8.8.8.in-addr.arpa", "PTR");

        Assert.Equal(status, Dig.Status(outside));
        Assert.Equal(status, Dig.Status(reverse));
        if (status == "REFUSED")
        {
            Assert.Empty(Dig.Section(outside, "ANSWER"));
            Assert.Equal(before, _upstream.Queries);
        }
    }

    /// <summary>In-zone names are answered to every client, listed or not; a CNAME target outside the zones is not chased for an unlisted one.</summary>
    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Forward_ClientNotInAllowList_InZoneAnsweredExternalTargetNotChased(string transport)
    {
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.Upstreams.Add(_upstream.EndPoint);
            o.RecursionAllowedNetworks = ["10.0.0.0/8"];
        });
        var before = _upstream.Queries;

        var quote = await Dig.RunAsync(server.LocalEndPoint!, transport, "quote.kiada.svc.cluster.local", "A");
        var nope = await Dig.RunAsync(server.LocalEndPoint!, transport, "nope.kiada.svc.cluster.local", "A");
        var external = await Dig.RunAsync(server.LocalEndPoint!, transport, "time-api.kiada.svc.cluster.local", "A");

        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));
        Assert.Contains("aa", Dig.Flags(quote).Split(' '));
        Assert.Equal("NXDOMAIN", Dig.Status(nope));
        Assert.Equal("NOERROR", Dig.Status(external));
        Assert.Equal(["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."], Dig.Section(external, "ANSWER"));
        Assert.Contains("aa", Dig.Flags(external).Split(' '));
        Assert.Equal(before, _upstream.Queries);
    }

    /// <summary>RD = 0 asks for no recursion: names outside the zones are REFUSED, CNAME targets not chased, in-zone names answered.</summary>
    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Forward_RecursionNotDesired_OutsideRefusedInZoneAnswered(string transport)
    {
        var before = _upstream.Queries;

        var outside = await Dig.RunAsync(EndPoint, transport, "+norecurse", "example.com", "A");
        var quote = await Dig.RunAsync(EndPoint, transport, "+norecurse", "quote.kiada.svc.cluster.local", "A");
        var external = await Dig.RunAsync(EndPoint, transport, "+norecurse", "time-api.kiada.svc.cluster.local", "A");

        Assert.Equal("REFUSED", Dig.Status(outside));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(quote, "ANSWER"));
        Assert.Equal(["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."], Dig.Section(external, "ANSWER"));
        Assert.Equal(before, _upstream.Queries);
    }

    /// <summary>
    /// specification.md §15: the answer relayed to a UDP client obeys our size limit, min(client's EDNS size, 1232) or 512
    /// without EDNS, with TC and only whole RRsets (100 A records fit neither). A test in the engine classes.
    /// </summary>
    protected async Task AssertBigUpstreamAnswerOverUdpTruncatedAsync(string size)
    {
        var output = await Dig.RunAsync(EndPoint, "+ignore", size, "many.example.com", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    /// <summary>§11/§15: a CNAME to an outside target is followed by the upstream's answer (a test in the engine classes).</summary>
    protected async Task AssertExternalNameOutsideTargetAppendedAsync(string transport)
    {
        var output = await Dig.RunAsync(EndPoint, transport, "time-api.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(
            [
                "time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org.",
                "worldtimeapi.org. 300 IN A 192.0.2.1",
            ],
            Dig.Section(output, "ANSWER"));
        Assert.Equal("qr aa rd ra", Dig.Flags(output));
    }

    /// <summary>RFC 6604: the rcode describes the end of the chain (a test in the engine classes).</summary>
    protected async Task AssertExternalNameTargetMissingUpstreamNxDomainAsync()
    {
        var output = await Dig.RunAsync(EndPoint, "gone.kiada.svc.cluster.local", "A");

        Assert.Equal("NXDOMAIN", Dig.Status(output));
        Assert.Equal(["gone.kiada.svc.cluster.local. 5 IN CNAME missing.example.org."], Dig.Section(output, "ANSWER"));
    }

    /// <summary>The CNAME and the upstream's 100 records over TCP (a test in the engine classes).</summary>
    protected async Task AssertExternalNameBigTargetOverTcpAllRecordsAsync()
    {
        var output = await Dig.RunAsync(EndPoint, "+tcp", "crowd.kiada.svc.cluster.local", "A");

        var answer = Dig.Section(output, "ANSWER");
        Assert.Equal(101, answer.Length);
        Assert.Equal("crowd.kiada.svc.cluster.local. 5 IN CNAME many.example.net.", answer[0]);
    }

    /// <summary>The CNAME and the upstream's 100 records do not fit UDP: TC, the CNAME RRset only (a test in the engine classes).</summary>
    protected async Task AssertExternalNameBigTargetOverUdpTruncatedAsync()
    {
        var output = await Dig.RunAsync(EndPoint, "+ignore", "+bufsize=1232", "crowd.kiada.svc.cluster.local", "A");

        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(["crowd.kiada.svc.cluster.local. 5 IN CNAME many.example.net."], Dig.Section(output, "ANSWER"));
    }
}

/// <summary><see cref="UpstreamTests"/> on the native engine.</summary>
public sealed class NativeUpstreamTests() : UpstreamTests(Engine.Native)
{
    [Theory]
    [InlineData("+bufsize=1232")]
    [InlineData("+bufsize=4096")]
    [InlineData("+noedns")]
    public Task Forward_BigUpstreamAnswerOverUdp_TcWithWholeRRsetsOnly(string size) => AssertBigUpstreamAnswerOverUdpTruncatedAsync(size);

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public Task Forward_ExternalNameOutsideTarget_CnameThenUpstreamAnswer(string transport) => AssertExternalNameOutsideTargetAppendedAsync(transport);

    [Fact]
    public Task Forward_ExternalNameTargetMissingUpstream_CnameWithNxDomain() => AssertExternalNameTargetMissingUpstreamNxDomainAsync();

    [Fact]
    public Task Forward_ExternalNameBigTargetOverTcp_CnameAndAllRecords() => AssertExternalNameBigTargetOverTcpAllRecordsAsync();

    [Fact]
    public Task Forward_ExternalNameBigTargetOverUdp_TcWithWholeRRsetsOnly() => AssertExternalNameBigTargetOverUdpTruncatedAsync();
}
