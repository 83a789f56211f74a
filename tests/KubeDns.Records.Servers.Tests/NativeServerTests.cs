using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>What only the native engine has: counters, several endpoints, SO_REUSEPORT receive loops.</summary>
public class NativeServerTests
{
    [Fact]
    public async Task ResponsesWith_AnsweredQueries_CountedByCode()
    {
        await using var server = await TestServers.StartNativeAsync();
        var endPoint = server.LocalEndPoint!;

        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 1 }.ToBytes());
        await RawDns.ExchangeTcpAsync(endPoint, new RawQuery { Id = 2 }.ToBytes());
        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 3, Name = "nope.kiada.svc.cluster.local" }.ToBytes());
        await RawDns.ExchangeUdpAsync(endPoint, RawDns.Header(4, flags: 0x0100, qdcount: 0));
        await RawDns.ExchangeUdpAsync(endPoint, new RawQuery { Id = 5, Name = "example.com" }.ToBytes());

        Assert.Equal(2, server.ResponsesWith(ResponseCode.NoError));
        Assert.Equal(1, server.ResponsesWith(ResponseCode.NameError));
        Assert.Equal(1, server.ResponsesWith(ResponseCode.FormatError));
        Assert.Equal(1, server.ResponsesWith(ResponseCode.Refused));
        Assert.Equal(0, server.Dropped);
        Assert.Equal(0, server.Forwarded);
    }

    [Fact]
    public async Task Dropped_RuntAndResponse_CountedNotAnswered()
    {
        await using var server = await TestServers.StartNativeAsync();
        using var client = new UdpClient(AddressFamily.InterNetwork);
        client.Connect(server.LocalEndPoint!);

        await client.SendAsync(new byte[] { 0x12, 0x34, 0x01, 0x00, 0x00 });
        await client.SendAsync(new RawQuery { Id = 0x0603, IsResponse = true }.ToBytes());

        Assert.Empty(await RawDns.DrainUdpAsync(client, TimeSpan.FromMilliseconds(500)));
        Assert.True(await EventuallyAsync(() => server.Dropped == 2), $"Dropped is {server.Dropped}");
    }

    [Fact]
    public async Task Forwarded_OutsideNameWithForwarder_CountedAndRelayed()
    {
        await using var upstream = FakeUpstream.Start();
        await using var server = await TestServers.StartNativeAsync(o => o.Forwarder = new UdpDnsForwarder([upstream.EndPoint], TimeSpan.FromSeconds(2)));

        var udp = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = 1, Name = "example.com" }.ToBytes());
        var tcp = await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery { Id = 2, Name = "example.com" }.ToBytes());
        await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = 3 }.ToBytes());

        Assert.Equal((1, true), (udp.AnCount, udp.RecursionAvailable));
        Assert.Equal((1, true), (tcp.AnCount, tcp.RecursionAvailable));
        Assert.Equal(2, server.Forwarded);
        Assert.Equal(2, upstream.Queries);
    }

    [Fact]
    public async Task TcpConnections_OpenConnection_CountedThenReleasedOnClose()
    {
        await using var server = await TestServers.StartNativeAsync();
        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(server.LocalEndPoint!);
            var stream = client.GetStream();
            await stream.WriteAsync(RawDns.Frame(new RawQuery().ToBytes()));
            using (var read = new CancellationTokenSource(RawDns.ReplyTimeout))
            {
                Assert.NotNull(await RawDns.ReadFrameAsync(stream, read.Token));
            }

            Assert.Equal(1, server.TcpConnections);
        }
        finally
        {
            client.Dispose();
        }

        Assert.True(await EventuallyAsync(() => server.TcpConnections == 0), $"TcpConnections is {server.TcpConnections}");
    }

    [Fact]
    public async Task LocalEndPoints_TwoEphemeralEndpoints_BothServeUdpAndTcp()
    {
        await using var server = await TestServers.StartNativeAsync(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)));

        Assert.Equal(2, server.LocalEndPoints.Count);
        Assert.Equal(server.LocalEndPoints[0], server.LocalEndPoint);
        Assert.NotEqual(server.LocalEndPoints[0].Port, server.LocalEndPoints[1].Port);
        foreach (var endPoint in server.LocalEndPoints)
        {
            Assert.Equal(1, (await RawDns.ExchangeUdpAsync(endPoint, new RawQuery().ToBytes())).AnCount);
            Assert.Equal(1, (await RawDns.ExchangeTcpAsync(endPoint, new RawQuery().ToBytes())).AnCount);
        }

        await server.StopAsync();

        Assert.Empty(server.LocalEndPoints);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ReusePort_SeveralReceivers_ServesUdpAndTcp(int receivers)
    {
        await using var server = await TestServers.StartNativeAsync(o =>
        {
            o.ReusePort = true;
            o.UdpReceivers = receivers;
        });

        for (ushort id = 1; id <= 6; id++)
        {
            var reply = await RawDns.ExchangeUdpAsync(server.LocalEndPoint!, new RawQuery { Id = id }.ToBytes());
            Assert.Equal((id, 0, 1), (reply.Id, reply.Rcode, reply.AnCount));
        }

        Assert.Equal(1, (await RawDns.ExchangeTcpAsync(server.LocalEndPoint!, new RawQuery().ToBytes())).AnCount);
    }

    [Fact]
    public async Task Tcp_FourThousandPipelinedQueriesInOneWrite_AllAnsweredInOrder()
    {
        // More queries than one read holds and more answers than one write holds: the connection must read, answer
        // and write in several rounds and keep the order (RFC 7766 §6.2.1.1 allows reordering; this engine does not).
        await using var server = await TestServers.StartNativeAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(server.LocalEndPoint!, cts.Token);
        var stream = client.GetStream();
        const int Count = 4_000;
        var frames = new List<byte>();
        for (var i = 0; i < Count; i++)
        {
            frames.AddRange(RawDns.Frame(UdpBatchTests.Query((ushort)i)));
        }

        var writing = stream.WriteAsync(frames.ToArray(), cts.Token).AsTask();
        for (var i = 0; i < Count; i++)
        {
            var reply = new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException($"closed after {i} answers"));
            Assert.Equal((ushort)i, reply.Id);
            Assert.Equal(1, reply.AnCount);
        }

        await writing;
    }

    [Fact]
    public async Task Tcp_ClientTricklingOneQuery_ClosedWhenTheIdleTimeoutEnds()
    {
        // A client that sends a byte now and then never completes a query: the idle timeout runs from the start of
        // the query, not from the last byte, so it cannot hold the connection (RFC 7766 §6.2.3, slow-read attacks).
        await using var server = await TestServers.StartNativeAsync(o => o.TcpIdleTimeout = TimeSpan.FromSeconds(1));
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(server.LocalEndPoint!);
        var stream = client.GetStream();
        var frame = RawDns.Frame(new RawQuery().ToBytes());
        var started = DateTime.UtcNow;
        var closed = false;
        for (var i = 0; i < frame.Length - 1 && !closed; i++)
        {
            try
            {
                await stream.WriteAsync(frame.AsMemory(i, 1));
                await Task.Delay(250);
                closed = client.Client.Poll(0, SelectMode.SelectRead) && client.Client.Available == 0;
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the trickling connection was still open after the whole query but one byte");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(frame.Length * 0.25), "closed only at the end");
    }

    /// <summary>Polls <paramref name="condition"/> for up to five seconds.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return condition();
    }
}
