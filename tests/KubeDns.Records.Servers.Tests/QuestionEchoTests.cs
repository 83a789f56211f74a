namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// specification.md §15 and docs/wire.md: the question comes back byte for byte (letter case, dots inside labels, bytes
/// above 127), and a name whose label holds such bytes is a name like any other: inside our zones and not there,
/// it is NXDOMAIN with AA and the SOA. Raw queries over UDP and TCP, on each engine, so both engines agree.
/// </summary>
public abstract class QuestionEchoTests(ServerFixture fixture)
{
    private const int NoError = 0;
    private const int NxDomain = 3;

    /// <summary><c>a\.b.kiada.svc.cluster.local</c>: one label <c>a.b</c> under the namespace <c>kiada</c>.</summary>
    private static readonly byte[] DottedLabelName = [3, (byte)'a', (byte)'.', (byte)'b', .. RawDns.EncodeName("kiada.svc.cluster.local")];

    /// <summary><c>caf\195\169.kiada.svc.cluster.local</c>: "café" in UTF-8, two bytes above 127.</summary>
    private static readonly byte[] NonAsciiName = [5, (byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9, .. RawDns.EncodeName("kiada.svc.cluster.local")];

    public static TheoryData<string> Transports => ["udp", "tcp"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task DottedLabel_InZone_NxDomainWithAaAndQuestionEchoed(string transport)
    {
        var query = new RawQuery { Id = 0x0E01, WireName = DottedLabelName }.ToBytes();

        var reply = await ExchangeAsync(transport, query);

        Assert.Equal(NxDomain, reply.Rcode);
        Assert.True(reply.IsAuthoritative);
        Assert.Equal(0, reply.AnCount);
        Assert.Equal(1, reply.NsCount);
        Assert.Equal(Question(query), reply.QuestionBytes);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NonAsciiLabel_InZone_NxDomainWithAaAndQuestionBytesIdentical(string transport)
    {
        var query = new RawQuery { Id = 0x0E02, WireName = NonAsciiName, EdnsPayload = 1232 }.ToBytes();

        var reply = await ExchangeAsync(transport, query);

        Assert.Equal(NxDomain, reply.Rcode);
        Assert.True(reply.IsAuthoritative);
        Assert.Equal(1, reply.NsCount);
        Assert.Equal(Question(query), reply.QuestionBytes);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MixedCaseName_Answered_QuestionEchoedExactly(string transport)
    {
        // DNS 0x20 (draft-vixie-dnsext-dns0x20): the resolver checks that the case it chose comes back unchanged.
        var query = new RawQuery { Id = 0x0E03, Name = "QuOtE.kIaDa.SvC.cLuStEr.LoCaL" }.ToBytes();

        var reply = await ExchangeAsync(transport, query);

        Assert.Equal(NoError, reply.Rcode);
        Assert.Equal(1, reply.AnCount);
        Assert.Equal(Question(query), reply.QuestionBytes);
    }

    [Fact]
    public async Task NonAsciiAndDottedLabels_PipelinedOnOneTcpConnection_EachReplyCarriesItsOwnQuestion()
    {
        // Pipelined queries are answered concurrently and may come back in any order (RFC 7766 §6.2.1.1); each reply
        // must still carry the question of the query with its ID.
        byte[][] queries =
        [
            new RawQuery { Id = 0x0E11, WireName = NonAsciiName }.ToBytes(),
            new RawQuery { Id = 0x0E12, WireName = DottedLabelName }.ToBytes(),
            new RawQuery { Id = 0x0E13, Name = "QUOTE.kiada.svc.cluster.local" }.ToBytes(),
            new RawQuery { Id = 0x0E14, WireName = [5, (byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA8, .. RawDns.EncodeName("kiada.svc.cluster.local")] }.ToBytes(),
        ];
        using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
        using var client = new System.Net.Sockets.TcpClient(System.Net.Sockets.AddressFamily.InterNetwork);
        await client.ConnectAsync(fixture.EndPoint, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(queries.SelectMany(RawDns.Frame).ToArray(), cts.Token);

        var replies = new Dictionary<ushort, RawResponse>();
        for (var i = 0; i < queries.Length; i++)
        {
            var frame = await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("The server closed the connection.");
            var reply = new RawResponse(frame);
            replies.Add(reply.Id, reply);
        }

        foreach (var query in queries)
        {
            var reply = replies[(ushort)((query[0] << 8) | query[1])];
            Assert.Equal(Question(query), reply.QuestionBytes);
        }
    }

    /// <summary>The question section of a query built by <see cref="RawQuery"/>: name, type and class after the header.</summary>
    private static byte[] Question(byte[] query)
    {
        var end = 12;
        RawDns.SkipName(query, ref end);
        return query[12..(end + 4)];
    }

    private Task<RawResponse> ExchangeAsync(string transport, byte[] query) =>
        transport == "tcp" ? RawDns.ExchangeTcpAsync(fixture.EndPoint, query) : RawDns.ExchangeUdpAsync(fixture.EndPoint, query);
}

/// <summary><see cref="QuestionEchoTests"/> on the native engine.</summary>
public sealed class NativeQuestionEchoTests(NativeServerFixture fixture) : QuestionEchoTests(fixture), IClassFixture<NativeServerFixture>;
