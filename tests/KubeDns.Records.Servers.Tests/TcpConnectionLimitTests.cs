using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// TCP connection management (docs/server.md, "TCP connections"; RFC 7766 §6.2.3) on each engine: at the global cap a
/// newcomer replaces an idle connection (its own client's when that client has its share or more, else one of a client
/// over its share, else the longest-idle of all) and is closed only when every candidate is mid-query. Clients come from distinct loopback addresses (127.0.0.2, 127.0.0.3), which
/// Linux routes to the server on 127.0.0.1.
/// </summary>
public abstract class TcpConnectionLimitTests(Engine engine)
{
    private static readonly IPAddress Greedy = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Polite = IPAddress.Parse("127.0.0.3");

    /// <summary>How long a test waits for a close it expects, or for one it does not expect to happen.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task TcpCap_OneSourceHoldsIdleAndSlowlorisConnectionsReopeningThem_OtherSourceAnswered()
    {
        const int Cap = 24;
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.MaxTcpConnections = Cap);
        var endPoint = server.LocalEndPoint!;
        using var attack = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var opened = 0;

        // Every greedy connection is either idle (sends nothing) or slowloris (one byte of a length prefix, then
        // nothing), and is reopened as soon as the server closes it, as many times as the test lasts (bounded).
        var holders = Enumerable.Range(0, Cap).Select(i => Task.Run(async () =>
        {
            for (var round = 0; round < 200 && !attack.IsCancellationRequested; round++)
            {
                using var client = new TcpClient(new IPEndPoint(Greedy, 0));
                try
                {
                    await client.ConnectAsync(endPoint, attack.Token);
                    Interlocked.Increment(ref opened);
                    if (i % 2 == 1)
                    {
                        await client.GetStream().WriteAsync(new byte[] { 0 }, attack.Token);
                    }

                    await RawDns.SeesCloseAsync(client.GetStream(), TimeSpan.FromSeconds(30)).WaitAsync(attack.Token);
                    await Task.Delay(20, attack.Token);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    // Refused, reset or the test is over: try again until it is.
                }
            }
        })).ToArray();

        try
        {
            for (var wait = 0; Volatile.Read(ref opened) < Cap && wait < 100; wait++)
            {
                await Task.Delay(50);
            }

            Assert.True(Volatile.Read(ref opened) >= Cap, $"the greedy client opened {opened} of {Cap} connections");
            await Task.Delay(200);

            for (var i = 0; i < 5; i++)
            {
                var reply = await RawDns.ExchangeTcpAsync(endPoint, new RawQuery { Id = (ushort)(0x3300 + i) }.ToBytes(), Polite);
                Assert.Equal((0, 1), (reply.Rcode, reply.AnCount));
            }
        }
        finally
        {
            await attack.CancelAsync();
            await Task.WhenAll(holders).WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task MaxTcpConnections_CapReached_LongestIdleClosedNewcomerServed()
    {
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o => o.MaxTcpConnections = 2);
        var endPoint = server.LocalEndPoint!;
        using var first = await ConnectAndQueryAsync(endPoint, IPAddress.Loopback);
        using var second = await ConnectAndQueryAsync(endPoint, IPAddress.Loopback);

        using var third = await ConnectAndQueryAsync(endPoint, IPAddress.Loopback);

        Assert.True(await RawDns.SeesCloseAsync(first.GetStream(), CloseWait), "the longest-idle connection was kept at the cap of 2");
        await QueryAsync(second);
        await QueryAsync(third);
    }

    [Fact]
    public async Task MaxTcpConnectionsPerClient_ServerFullClientAtItsShare_ItsOwnLongestIdleReplacedOthersKept()
    {
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.MaxTcpConnections = 3;
            o.MaxTcpConnectionsPerClient = 2;
        });
        var endPoint = server.LocalEndPoint!;
        using var other = await ConnectAndQueryAsync(endPoint, Polite);
        using var first = await ConnectAndQueryAsync(endPoint, Greedy);
        using var second = await ConnectAndQueryAsync(endPoint, Greedy);

        using var third = await ConnectAndQueryAsync(endPoint, Greedy);

        Assert.True(await RawDns.SeesCloseAsync(first.GetStream(), CloseWait), "127.0.0.2 grew past its share of 2 in a full server");
        await QueryAsync(other);
        await QueryAsync(second);
        await QueryAsync(third);
    }

    [Fact]
    public async Task MaxTcpConnectionsPerClient_ServerFullNewClient_ClientOverItsShareGivesWayOthersKept()
    {
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.MaxTcpConnections = 3;
            o.MaxTcpConnectionsPerClient = 1;
        });
        var endPoint = server.LocalEndPoint!;
        using var other = await ConnectAndQueryAsync(endPoint, Polite);
        using var first = await ConnectAndQueryAsync(endPoint, Greedy);
        using var second = await ConnectAndQueryAsync(endPoint, Greedy);

        using var newcomer = await ConnectAndQueryAsync(endPoint, IPAddress.Parse("127.0.0.4"));

        Assert.True(await RawDns.SeesCloseAsync(first.GetStream(), CloseWait), "127.0.0.2, over its share of 1, kept its longest-idle connection");
        await QueryAsync(other);
        await QueryAsync(second);
        await QueryAsync(newcomer);
    }

    [Fact]
    public async Task MaxTcpConnectionsPerClient_ServerFullAllOfClientsConnectionsMidQuery_NewcomerClosedOthersKept()
    {
        // An upstream that never answers keeps a forwarded query in flight for the upstream timeout.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var server = await TestServers.StartAsync(engine, ExampleCluster.Create(), o =>
        {
            o.MaxTcpConnections = 2;
            o.MaxTcpConnectionsPerClient = 1;
            o.Upstreams.Add((IPEndPoint)silent.Client.LocalEndPoint!);
            o.UpstreamTimeout = TimeSpan.FromSeconds(20);
        });
        var endPoint = server.LocalEndPoint!;
        using var other = await ConnectAndQueryAsync(endPoint, Polite);
        using var busy = new TcpClient(new IPEndPoint(Greedy, 0));
        await busy.ConnectAsync(endPoint);
        await busy.GetStream().WriteAsync(RawDns.Frame(new RawQuery { Name = "example.com" }.ToBytes()));
        await silent.ReceiveAsync().WaitAsync(RawDns.ReplyTimeout);

        using var newcomer = new TcpClient(new IPEndPoint(Greedy, 0));
        await newcomer.ConnectAsync(endPoint);

        Assert.True(await RawDns.SeesCloseAsync(newcomer.GetStream(), CloseWait), "a connection over the share replaced one that is mid-query, or another client's");
        Assert.False(await RawDns.SeesCloseAsync(busy.GetStream(), TimeSpan.FromMilliseconds(200)), "the connection mid-query was closed");
        await QueryAsync(other);
    }

    private static async Task<TcpClient> ConnectAndQueryAsync(IPEndPoint endPoint, IPAddress source)
    {
        var client = new TcpClient(new IPEndPoint(source, 0));
        try
        {
            using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
            await client.ConnectAsync(endPoint, cts.Token);
            await QueryAsync(client);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task QueryAsync(TcpClient client)
    {
        using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
        var stream = client.GetStream();
        await stream.WriteAsync(RawDns.Frame(new RawQuery().ToBytes()), cts.Token);
        var reply = new RawResponse(await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed without an answer"));
        Assert.Equal((0, 1), (reply.Rcode, reply.AnCount));
    }
}

/// <summary><see cref="TcpConnectionLimitTests"/> on the native engine.</summary>
public sealed class NativeTcpConnectionLimitTests() : TcpConnectionLimitTests(Engine.Native);
