using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace KubeDns.Records.Servers.Tests;

/// <summary>DNS over TCP (RFC 7766): pipelining, large answers, many connections (specification.md §15), on each engine.</summary>
public abstract class TcpTests(ServerFixture fixture)
{
    private static readonly (string Name, ushort Type)[] Questions =
    [
        ("quote.kiada.svc.cluster.local", 1),
        ("quote-headless.kiada.svc.cluster.local", 1),
        ("_http._tcp.quote-headless.kiada.svc.cluster.local", 33),
        ("dual.kiada.svc.cluster.local", 28),
        ("nope.kiada.svc.cluster.local", 1),
        ("time-api.kiada.svc.cluster.local", 1),
        (ServerFixture.Big, 1),
        ("example.com", 1),
        ("kube-dns.kube-system.svc.cluster.local", 33),
        ("QuOtE.KiAdA.svc.cluster.local", 1),
    ];

    [Fact]
    public async Task Pipelined_TwentyQueriesOneWrite_TwentyWellFormedAnswersMatchedById()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(fixture.EndPoint, cts.Token);
        var stream = client.GetStream();
        var sent = new Dictionary<ushort, RawQuery>();
        var frames = new List<byte>();
        for (var i = 0; i < 20; i++)
        {
            var (name, type) = Questions[i % Questions.Length];
            var query = new RawQuery { Id = (ushort)(0x2000 + i), Name = name, Type = type, EdnsPayload = i % 3 == 0 ? (ushort)1232 : null };
            sent.Add(query.Id, query);
            frames.AddRange(RawDns.Frame(query.ToBytes()));
        }

        await stream.WriteAsync(frames.ToArray(), cts.Token);
        var received = new List<RawResponse>();
        for (var i = 0; i < 20; i++)
        {
            var bytes = await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException($"connection closed after {i} answers");
            received.Add(new RawResponse(bytes));
            _ = DnsMessage.Parse(bytes); // and ARSoft reads it as a whole message
        }

        Assert.Equal(sent.Keys.Order(), received.Select(r => r.Id).Order());
        foreach (var reply in received)
        {
            var query = sent[reply.Id];
            Assert.True(reply.IsResponse);
            Assert.False(reply.IsTruncated);
            Assert.Equal(query.ToBytes()[12..][..reply.QuestionBytes.Length], reply.QuestionBytes);
            if (query.Name == ServerFixture.Big)
            {
                Assert.Equal(ServerFixture.BigEndpoints, reply.AnCount);
            }
        }
    }

    [Fact]
    public async Task Pipelined_TenConnectionsInParallel_AllAnswered()
    {
        var tasks = Enumerable.Range(0, 10).Select(async c =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(fixture.EndPoint, cts.Token);
            var stream = client.GetStream();
            var frames = Enumerable.Range(0, 20).SelectMany(i => RawDns.Frame(new RawQuery { Id = (ushort)((c << 8) | i), Name = Questions[i % Questions.Length].Name }.ToBytes())).ToArray();
            await stream.WriteAsync(frames, cts.Token);
            var ids = new List<ushort>();
            for (var i = 0; i < 20; i++)
            {
                ids.Add(new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed early")).Id);
            }

            return ids;
        });

        var results = await Task.WhenAll(tasks);

        for (var c = 0; c < results.Length; c++)
        {
            Assert.Equal(Enumerable.Range(0, 20).Select(i => (ushort)((c << 8) | i)), results[c].Order());
        }
    }

    [Fact]
    public async Task Tcp_QueryInTwoSegments_Answered()
    {
        using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
        using var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync(fixture.EndPoint, cts.Token);
        var stream = client.GetStream();
        var frame = RawDns.Frame(new RawQuery { Id = 0x2100 }.ToBytes());

        await stream.WriteAsync(frame.AsMemory(0, 1), cts.Token);
        await stream.FlushAsync(cts.Token);
        await Task.Delay(50, cts.Token);
        await stream.WriteAsync(frame.AsMemory(1), cts.Token);
        var reply = new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed"));

        Assert.Equal((0x2100, 1), (reply.Id, reply.AnCount));
    }

    [Fact]
    public async Task Tcp_BigAnswerWithEdns_NotTruncatedNotLimitedByPayloadSize()
    {
        var reply = await RawDns.ExchangeTcpAsync(fixture.EndPoint, new RawQuery { Name = ServerFixture.Big, EdnsPayload = 512 }.ToBytes());

        Assert.False(reply.IsTruncated);
        Assert.Equal(ServerFixture.BigEndpoints, reply.AnCount);
        Assert.True(reply.Bytes.Length > 3000);
    }
}

/// <summary><see cref="TcpTests"/> on the native engine.</summary>
public sealed class NativeTcpTests(NativeServerFixture fixture) : TcpTests(fixture), IClassFixture<NativeServerFixture>;
