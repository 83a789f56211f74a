using System.Buffers.Binary;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>Garbage, runts, oversize and response datagrams never stop the server (specification.md §15), on each engine.</summary>
public abstract class MalformedInputTests(ServerFixture fixture)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Udp_PaddedQueryOf3000Bytes_Answered()
    {
        var query = new RawQuery { Id = 0x0601, EdnsPayload = 1232, PadTo = 3000 }.ToBytes();
        Assert.Equal(3000, query.Length);

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(0x0601, reply.Id);
        Assert.Equal(0, reply.Rcode);
        Assert.Equal(1, reply.AnCount);
    }

    [Fact]
    public async Task Tcp_PaddedQueryOf3000Bytes_Answered()
    {
        var query = new RawQuery { Id = 0x0602, EdnsPayload = 1232, PadTo = 3000 }.ToBytes();

        var reply = await RawDns.ExchangeTcpAsync(fixture.EndPoint, query);

        Assert.Equal(0x0602, reply.Id);
        Assert.Equal(0, reply.Rcode);
        Assert.Equal(1, reply.AnCount);
    }

    [Fact]
    public async Task Udp_Random1400Bytes_ServerStillAnswers()
    {
        var junk = new byte[1400];
        new Random(1400).NextBytes(junk);
        junk[2] &= 0x7F; // a "query", so it is not simply dropped as a response

        await SendAsync(junk);

        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_RandomDatagrams_ServerStillAnswers()
    {
        // Sent in small batches, each followed by a pause until the replies stop: a burst of 300 datagrams overflows the
        // socket's default receive buffer, and the kernel (not the server) would drop the good query that follows.
        var random = new Random(20261123);
        using var client = Connect();
        for (var i = 0; i < 300; i++)
        {
            var junk = new byte[random.Next(0, 700)];
            random.NextBytes(junk);
            await client.SendAsync(junk);
            if (i % 20 == 19)
            {
                await WaitForQuietAsync(client);
            }
        }

        await WaitForQuietAsync(client);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_MutatedQueries_EveryReplyWellFormedAndNeverServfail()
    {
        // Valid queries with a few random bytes flipped reach the parser and the handler with odd names, types,
        // classes, flags and counts. On a synced cluster without upstream no answer is ever SERVFAIL, so a SERVFAIL
        // would mean the handler threw.
        var random = new Random(4242);
        var names = new[] { "quote.kiada.svc.cluster.local", "_http._tcp.kiada.kiada.svc.cluster.local", ServerFixture.Big, "time-api.kiada.svc.cluster.local", "8.8.8.8.in-addr.arpa" };
        using var client = Connect();
        var sent = new HashSet<ushort>();
        var replies = new List<byte[]>();
        for (var i = 0; i < 300; i++)
        {
            var query = new RawQuery { Name = names[i % names.Length], Type = (ushort)random.Next(0, 260), EdnsPayload = (i % 2 == 0) ? (ushort)1232 : null }.ToBytes();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                query[random.Next(2, query.Length)] = (byte)random.Next(256);
            }

            var id = (ushort)(0x7000 + i);
            BinaryPrimitives.WriteUInt16BigEndian(query, id);
            query[2] &= 0x7F;
            sent.Add(id);
            await client.SendAsync(query);
            if (i % 20 == 19)
            {
                replies.AddRange(await WaitForQuietAsync(client));
            }
        }

        replies.AddRange(await WaitForQuietAsync(client));

        Assert.NotEmpty(replies);
        foreach (var bytes in replies)
        {
            var reply = new RawResponse(bytes);
            Assert.Contains(reply.Id, sent);
            Assert.True(reply.IsResponse);
            Assert.NotEqual(2, reply.Rcode);
        }

        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_FiveByteRunt_DroppedAndServerStillAnswers()
    {
        using var client = Connect();
        await client.SendAsync(new byte[] { 0x12, 0x34, 0x01, 0x00, 0x00 });

        Assert.Empty(await RawDns.DrainUdpAsync(client, Quiet));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_EmptyDatagram_DroppedAndServerStillAnswers()
    {
        using var client = Connect();
        await client.SendAsync(Array.Empty<byte>());

        Assert.Empty(await RawDns.DrainUdpAsync(client, Quiet));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_ResponseDatagram_NeverAnswered()
    {
        using var client = Connect();
        await client.SendAsync(new RawQuery { Id = 0x0603, IsResponse = true }.ToBytes());

        Assert.Empty(await RawDns.DrainUdpAsync(client, Quiet));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_HeaderOnlyWithQdCount1_FormErr()
    {
        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, RawDns.Header(0x0604, flags: 0x0100, qdcount: 1));

        Assert.Equal(1, reply.Rcode);
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Udp_OptRdLengthBeyondEnd_FormErr()
    {
        var query = new RawQuery { Id = 0x0605, EdnsPayload = 1232 }.ToBytes();
        query[^1] = 40; // RDLENGTH 40, no RDATA follows

        var reply = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);

        Assert.Equal(1, reply.Rcode);
    }

    [Fact]
    public async Task Tcp_ResponseMessage_DroppedConnectionStillServes()
    {
        using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(fixture.EndPoint, cts.Token);
        var stream = client.GetStream();

        await stream.WriteAsync(RawDns.Frame(new RawQuery { Id = 0x0606, IsResponse = true }.ToBytes()), cts.Token);
        await stream.WriteAsync(RawDns.Frame(new RawQuery { Id = 0x0607 }.ToBytes()), cts.Token);
        var reply = new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed"));

        Assert.Equal(0x0607, reply.Id);
        Assert.Equal(1, reply.AnCount);
    }

    [Fact]
    public async Task Tcp_MalformedThenGoodOnOneConnection_FormErrThenAnswer()
    {
        using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(fixture.EndPoint, cts.Token);
        var stream = client.GetStream();

        await stream.WriteAsync(RawDns.Frame([.. RawDns.Header(0x0608, flags: 0x0100, qdcount: 1), 5, (byte)'q']), cts.Token);
        var formErr = new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed"));
        await stream.WriteAsync(RawDns.Frame(new RawQuery { Id = 0x0609 }.ToBytes()), cts.Token);
        var answer = new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed"));

        Assert.Equal((0x0608, 1), (formErr.Id, formErr.Rcode));
        Assert.Equal((0x0609, 0, 1), (answer.Id, answer.Rcode, answer.AnCount));
    }

    [Fact]
    public async Task Tcp_ZeroLengthFrame_ConnectionClosedServerStillAnswers()
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(fixture.EndPoint);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0, 0 });

        Assert.True(await RawDns.SeesCloseAsync(stream, TimeSpan.FromSeconds(5)));
        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Tcp_RandomBytesAndHalfFrames_ServerStillAnswers()
    {
        var random = new Random(77);
        for (var i = 0; i < 10; i++)
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(fixture.EndPoint);
            var junk = new byte[random.Next(1, 400)];
            random.NextBytes(junk);
            await client.GetStream().WriteAsync(junk);
        }

        await AssertStillAnswersAsync();
    }

    [Fact]
    public async Task Tcp_ClientsResettingAtOnce_ServerStillAnswers()
    {
        for (var i = 0; i < 20; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(fixture.EndPoint);
            if (i % 2 == 0)
            {
                await client.SendAsync(RawDns.Frame(new RawQuery().ToBytes()));
            }

            client.LingerState = new LingerOption(true, 0); // close with RST
            client.Close();
        }

        await AssertStillAnswersAsync();
    }

    /// <summary>Collects datagrams until none has arrived for a moment (at most a few seconds in all).</summary>
    private static async Task<List<byte[]>> WaitForQuietAsync(UdpClient client)
    {
        var received = new List<byte[]>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var batch = await RawDns.DrainUdpAsync(client, TimeSpan.FromMilliseconds(150));
            received.AddRange(batch);
            if (batch.Count == 0)
            {
                break;
            }
        }

        return received;
    }

    private UdpClient Connect()
    {
        var client = new UdpClient(AddressFamily.InterNetwork);
        client.Connect(fixture.EndPoint);
        return client;
    }

    private async Task SendAsync(byte[] datagram)
    {
        using var client = Connect();
        await client.SendAsync(datagram);
    }

    private async Task AssertStillAnswersAsync()
    {
        var query = new RawQuery { Id = 0x0A0A }.ToBytes();
        var udp = await RawDns.ExchangeUdpAsync(fixture.EndPoint, query);
        var tcp = await RawDns.ExchangeTcpAsync(fixture.EndPoint, query);

        foreach (var reply in new[] { udp, tcp })
        {
            Assert.Equal(0x0A0A, reply.Id);
            Assert.Equal(0, reply.Rcode);
            Assert.Equal(1, reply.AnCount);
        }
    }
}

/// <summary><see cref="MalformedInputTests"/> on the native engine.</summary>
public sealed class NativeMalformedInputTests(NativeServerFixture fixture) : MalformedInputTests(fixture), IClassFixture<NativeServerFixture>;
