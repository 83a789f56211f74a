using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// The native engine's batched UDP loops (recvmmsg/sendmmsg on Linux, KubeDnsServerOptions.UdpBatchSize) and the
/// one-datagram loops they fall back to: bursts from many sockets, IPv6, batching off.
/// </summary>
public class UdpBatchTests
{
    [Fact]
    public async Task IsUdpBatching_SharedSuiteServer_BatchesOnLinux()
    {
        // The engine as the shared end-to-end suite creates it (TestServers, default options).
        await using var server = (NativeTestServer)await TestServers.StartAsync(Engine.Native, ServerFixture.CreateState());

        Assert.Equal(OperatingSystem.IsLinux(), server.Server.IsUdpBatching);
    }

    [Fact]
    public async Task IsUdpBatching_BatchSizeOne_OneDatagramPerCallAndStillAnswers()
    {
        await using var server = await TestServers.StartNativeAsync(o => o.UdpBatchSize = 1);

        Assert.False(server.IsUdpBatching);
        Assert.Equal(1, (await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery().ToBytes())).AnCount);
    }

    [Fact]
    public async Task IsUdpBatching_Stopped_False()
    {
        await using var server = await TestServers.StartNativeAsync();

        await server.StopAsync();

        Assert.False(server.IsUdpBatching);
    }

    [Theory]
    [InlineData(32, false)]
    [InlineData(64, true)]
    [InlineData(1, false)]
    [InlineData(3, false)]
    public async Task Burst_500QueriesFromTenSockets_EveryQueryAnsweredToItsSender(int batchSize, bool reusePort)
    {
        await using var server = await TestServers.StartNativeAsync(o =>
        {
            o.UdpBatchSize = batchSize;
            o.ReusePort = reusePort && OperatingSystem.IsLinux();
        });

        var replies = await BurstAsync(server.LocalEndPoint!, sockets: 10, perSocket: 50);

        AssertAnswers(replies, sockets: 10, perSocket: 50);
        Assert.Equal(500, server.ResponsesWith(ResponseCode.NoError));
        Assert.Equal(0, server.Dropped);
    }

    [Ipv6Fact]
    public async Task Burst_Ipv6Loopback_EveryQueryAnsweredToItsSender()
    {
        await using var server = await TestServers.StartNativeAsync(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        });

        var replies = await BurstAsync(server.LocalEndPoint!, sockets: 4, perSocket: 50);

        Assert.Equal(OperatingSystem.IsLinux(), server.IsUdpBatching);
        AssertAnswers(replies, sockets: 4, perSocket: 50);
    }

    [Fact]
    public async Task Burst_QueryAnsweredSubscribed_OneEventPerQueryWithItsSender()
    {
        await using var server = await TestServers.StartNativeAsync();
        var events = new System.Collections.Concurrent.ConcurrentBag<(string Name, IPEndPoint? Remote)>();
        server.QueryAnswered += (_, e) => events.Add((e.Name, e.RemoteEndPoint));

        var replies = await BurstAsync(server.LocalEndPoint!, sockets: 4, perSocket: 25);

        AssertAnswers(replies, sockets: 4, perSocket: 25);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (events.Count < 100 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(100, events.Count);
        Assert.Equal(
            replies.Keys.Select(k => k.Port).Distinct().Order(),
            events.Select(e => e.Remote!.Port).Distinct().Order());
        Assert.All(events, e => Assert.Equal(IPAddress.Loopback, e.Remote!.Address));
        Assert.Equal(25 * 4 / Names.Length, events.Count(e => e.Name.TrimEnd('.') == Names[0].Name));
    }

    /// <summary>The services queried in turn, so an answer sent to the wrong query shows.</summary>
    internal static readonly (string Name, byte[] Address)[] Names =
    [
        ("quote.kiada.svc.cluster.local", [10, 96, 161, 97]),
        ("kubernetes.default.svc.cluster.local", [10, 96, 0, 1]),
        ("web-svc.default.svc.cluster.local", [10, 96, 0, 50]),
        ("api.backend.svc.cluster.local", [10, 96, 100, 10]),
    ];

    /// <summary>The query with ID <paramref name="id"/>: A for <c>Names[id % 4]</c>.</summary>
    internal static byte[] Query(ushort id) => new RawQuery { Id = id, Name = Names[id % Names.Length].Name }.ToBytes();

    /// <summary>
    /// Sends <paramref name="perSocket"/> queries from each of <paramref name="sockets"/> sockets, all before reading any
    /// reply (IDs unique across sockets), then reads every socket's replies; keyed by the client's local endpoint.
    /// </summary>
    private static async Task<Dictionary<IPEndPoint, List<RawResponse>>> BurstAsync(IPEndPoint server, int sockets, int perSocket)
    {
        var clients = new List<Socket>();
        try
        {
            for (var s = 0; s < sockets; s++)
            {
                var client = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                clients.Add(client);
                client.ReceiveBufferSize = 1 << 20;
                client.Connect(server);
            }

            for (var i = 0; i < perSocket; i++)
            {
                for (var s = 0; s < sockets; s++)
                {
                    clients[s].Send(Query((ushort)((s * perSocket) + i + 1)));
                }
            }

            var replies = await Task.WhenAll(clients.Select(client => Task.Run(() => Receive(client, perSocket))));
            return clients.Select((c, i) => ((IPEndPoint)c.LocalEndPoint!, replies[i])).ToDictionary(p => p.Item1, p => p.Item2);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        static List<RawResponse> Receive(Socket client, int expected)
        {
            var replies = new List<RawResponse>();
            var buffer = new byte[DnsWireMax];
            client.ReceiveTimeout = (int)RawDns.ReplyTimeout.TotalMilliseconds;
            try
            {
                while (replies.Count < expected)
                {
                    var length = client.Receive(buffer);
                    replies.Add(new RawResponse(buffer[..length]));
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                // Fewer replies than queries: the assertions name the missing ones.
            }

            return replies;
        }
    }

    private const int DnsWireMax = ushort.MaxValue;

    /// <summary>Every socket got exactly its own queries' IDs back, each with the answer to that ID's question.</summary>
    private static void AssertAnswers(Dictionary<IPEndPoint, List<RawResponse>> replies, int sockets, int perSocket)
    {
        Assert.Equal(sockets, replies.Count);
        var expectedIds = new List<int>();
        var socket = 0;
        foreach (var (client, answers) in replies)
        {
            var ids = Enumerable.Range((socket * perSocket) + 1, perSocket).ToArray();
            Assert.True(ids.SequenceEqual(answers.Select(a => (int)a.Id).Order()), $"socket {client} got IDs {string.Join(',', answers.Select(a => a.Id).Order())}, expected {ids[0]}..{ids[^1]}");
            foreach (var answer in answers)
            {
                var (name, address) = Names[answer.Id % Names.Length];
                Assert.Equal((true, 0, 1), (answer.IsResponse, answer.Rcode, answer.AnCount));
                Assert.Equal(RawDns.Question(name), answer.QuestionBytes);
                Assert.Equal(address, answer.Bytes[^4..]);
            }

            socket++;
            expectedIds.AddRange(ids);
        }

        Assert.Equal(sockets * perSocket, expectedIds.Distinct().Count());
    }
}

/// <summary>A fact that runs only where an IPv6 loopback socket can be bound; skipped, with the reason, elsewhere.</summary>
public sealed class Ipv6FactAttribute : FactAttribute
{
    public Ipv6FactAttribute()
    {
        if (!Ipv6LoopbackAvailable())
        {
            Skip = "IPv6 is not available on this machine ([::1] cannot be bound).";
        }
    }

    private static bool Ipv6LoopbackAvailable()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>
/// Batched UDP under stop and the allocation promise; alone in <see cref="SocketLifecycleGroup"/>, since the first
/// checks the port is free afterwards and the second reads the process's allocation counter.
/// </summary>
[Collection(SocketLifecycleGroup.Name)]
public class UdpBatchLifecycleTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(1)]
    public async Task StopAsync_BurstInFlight_ReturnsAndFreesPort(int batchSize)
    {
        var server = await TestServers.StartNativeAsync(o => o.UdpBatchSize = batchSize);
        await using var _ = server;
        var endPoint = server.LocalEndPoint!;
        using var senders = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(s => Task.Run(() => Flood(endPoint, s, senders.Token))).ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (server.ResponsesWith(ResponseCode.NoError) < 200 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        var answeredBeforeStop = server.ResponsesWith(ResponseCode.NoError);
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await senders.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(answeredBeforeStop >= 200, $"only {answeredBeforeStop} answers before the stop");
        Assert.False(server.IsRunning);
        Assert.True(TestServers.CanBind(endPoint.Port, out var error), error);

        // Bounded: 20,000 datagrams per sender at most, without reading the replies.
        static void Flood(IPEndPoint server, int sender, CancellationToken token)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Connect(server);
            var query = UdpBatchTests.Query(0);
            for (var i = 0; i < 20_000 && !token.IsCancellationRequested; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(query, (ushort)((sender * 4) + (i % 4)));
                try
                {
                    client.Send(query);
                }
                catch (SocketException)
                {
                    // The server is gone (ICMP port unreachable): stop sending.
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Steady-state UDP serving allocates nothing per datagram, batched or not, rate-limited (every answer within the
    /// rate, so all are checked and sent) or not. The receive loops run on their own
    /// threads, so the whole process's allocations are measured across 5,120 queries from a client that allocates
    /// nothing itself, with a generous bound for whatever else the runtime allocates meanwhile, the least of three rounds.
    /// </summary>
    [Theory]
    [InlineData(32, 0)]
    [InlineData(1, 0)]
    [InlineData(32, KubeDnsServerOptions.MaxResponseRateLimit)]
    [InlineData(1, KubeDnsServerOptions.MaxResponseRateLimit)]
    public async Task Serving_SteadyState_AllocatesNothingPerDatagram(int batchSize, int responseRateLimit)
    {
        const int Queries = 5_120;
        const int Window = 16;
        const long BytesPerQuery = 8;
        await using var server = await TestServers.StartNativeAsync(o =>
        {
            o.UdpBatchSize = batchSize;
            o.ResponseRateLimit = responseRateLimit;
        });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(server.LocalEndPoint!);
        client.ReceiveTimeout = (int)RawDns.ReplyTimeout.TotalMilliseconds;
        var queries = Enumerable.Range(0, Window).Select(i => UdpBatchTests.Query((ushort)i)).ToArray();
        var reply = new byte[ushort.MaxValue];

        // A per-datagram allocation shows in every round; the other tests of this process (xunit runs classes in
        // parallel) allocate meanwhile in some rounds only, so the least of three rounds is the measure.
        var answered = Exchange(Queries);
        var allocated = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            answered += Exchange(Queries);
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.Equal(4 * Queries, answered);
        Assert.True(allocated < BytesPerQuery * Queries, $"{allocated} bytes allocated while serving {Queries} queries (batch size {batchSize}, rate limit {responseRateLimit})");

        // Windows of 16 queries in flight, so batches have several datagrams to take; no allocation on this side.
        int Exchange(int count)
        {
            var received = 0;
            for (var sent = 0; sent < count; sent += Window)
            {
                foreach (var query in queries)
                {
                    client.Send(query);
                }

                for (var i = 0; i < Window; i++)
                {
                    if (client.Receive(reply) > 12 && reply[3] == 0)
                    {
                        received++;
                    }
                }
            }

            return received;
        }
    }
}
