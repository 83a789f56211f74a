using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// Start, stop, restart and dispose of a server, and what happens to its sockets, on each engine. The engine classes
/// run in the <see cref="SocketLifecycleGroup"/> collection.
/// </summary>
public abstract class LifecycleTests(Engine engine)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StopAsync_RightAfterStart_DoesNotThrowAndFreesPort()
    {
        await using var server = Create(ExampleCluster.Create());

        await server.StartAsync();
        var port = server.LocalEndPoint!.Port;
        await server.StopAsync().WaitAsync(Bound);

        Assert.False(server.IsRunning);
        Assert.Null(server.LocalEndPoint);
        Assert.True(TestServers.CanBind(port, out var error), error);
    }

    [Fact]
    public async Task DisposeAsync_RightAfterStart_DoesNotThrowAndFreesPort()
    {
        var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        var port = server.LocalEndPoint!.Port;

        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.True(TestServers.CanBind(port, out var error), error);
    }

    [Fact]
    public async Task StartAsync_PortZero_ReportsRealPortServingUdpAndTcp()
    {
        await using var server = Create(ExampleCluster.Create());

        await server.StartAsync();

        Assert.True(server.IsRunning);
        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint!.Address);
        Assert.NotEqual(0, server.LocalEndPoint.Port);
        await AssertAnswersAsync(server.LocalEndPoint);
    }

    /// <summary>docs/server.md: a stopped server starts again, on the same port (a test in the engine classes).</summary>
    protected async Task AssertRestartServesOnSamePortAsync()
    {
        await using var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        var first = server.LocalEndPoint!;
        await AssertAnswersAsync(first);

        await server.StopAsync();
        await server.StartAsync();

        Assert.Equal(first, server.LocalEndPoint);
        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    [Fact]
    public async Task StartAsync_NewServerOnPortOfStoppedServer_Serves()
    {
        var state = ExampleCluster.Create();
        int port;
        await using (var first = Create(state))
        {
            await first.StartAsync();
            port = first.LocalEndPoint!.Port;
            await AssertAnswersAsync(first.LocalEndPoint);
            await first.StopAsync();
        }

        await using var second = Create(state, port);
        await second.StartAsync();

        Assert.Equal(port, second.LocalEndPoint!.Port);
        await AssertAnswersAsync(second.LocalEndPoint);
    }

    [Fact]
    public async Task StartStop_TenCycles_LeaveNoBoundSocket()
    {
        await using var server = Create(ExampleCluster.Create());
        var port = 0;
        for (var i = 0; i < 10; i++)
        {
            await server.StartAsync();
            port = server.LocalEndPoint!.Port;
            if (i % 3 == 0)
            {
                await AssertAnswersAsync(server.LocalEndPoint);
            }

            await server.StopAsync().WaitAsync(Bound);
            Assert.True(TestServers.CanBind(port, out var error), $"cycle {i}: {error}");
        }
    }

    [Fact]
    public async Task StopAsync_IdleTcpClientConnected_StopsAndClosesConnection()
    {
        await using var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        using var idle = new TcpClient(AddressFamily.InterNetwork);
        await idle.ConnectAsync(server.LocalEndPoint!);
        var idleStream = idle.GetStream();
        using var used = new TcpClient(AddressFamily.InterNetwork);
        await used.ConnectAsync(server.LocalEndPoint!);
        var usedStream = used.GetStream();
        await usedStream.WriteAsync(RawDns.Frame(new RawQuery { Id = 7 }.ToBytes()));
        using (var read = new CancellationTokenSource(RawDns.ReplyTimeout))
        {
            Assert.NotNull(await RawDns.ReadFrameAsync(usedStream, read.Token));
        }

        await usedStream.WriteAsync(new byte[] { 0 }); // half a length prefix: the server is mid-read
        await server.StopAsync().WaitAsync(Bound);

        Assert.True(await RawDns.SeesCloseAsync(idleStream, TimeSpan.FromSeconds(5)), "the idle client's connection stayed open");
        Assert.True(await RawDns.SeesCloseAsync(usedStream, TimeSpan.FromSeconds(5)), "the used client's connection stayed open");
    }

    [Fact]
    public async Task StopAsync_TcpClientConnected_NewConnectionsRefused()
    {
        await using var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        var endPoint = server.LocalEndPoint!;
        using var idle = new TcpClient(AddressFamily.InterNetwork);
        await idle.ConnectAsync(endPoint);

        await server.StopAsync().WaitAsync(Bound);

        using var late = new TcpClient(AddressFamily.InterNetwork);
        await Assert.ThrowsAnyAsync<SocketException>(() => late.ConnectAsync(endPoint));
    }

    [Fact]
    public async Task StartAsync_PortHeldByUdpSocket_ThrowsSocketExceptionAndBindsNothing()
    {
        var port = TestServers.FreePort();
        using var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        await using var server = Create(ExampleCluster.Create(), port);

        var error = await Assert.ThrowsAsync<SocketException>(() => server.StartAsync());

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        Assert.Contains("already in use", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(server.IsRunning);
        using var tcp = new TcpListener(IPAddress.Loopback, port);
        tcp.Start(); // the TCP side was not left bound
        tcp.Stop();
    }

    [Fact]
    public async Task StartAsync_PortHeldByTcpListener_ThrowsSocketExceptionAndReleasesUdp()
    {
        var port = TestServers.FreePort();
        var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();
        try
        {
            await using var server = Create(ExampleCluster.Create(), port);

            var error = await Assert.ThrowsAsync<SocketException>(() => server.StartAsync());

            Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
            Assert.False(server.IsRunning);
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port)); // the UDP socket was released
        }
        finally
        {
            holder.Stop();
        }
    }

    [Fact]
    public async Task StartAsync_PortFreedAfterFailure_StartsOnRetry()
    {
        var port = TestServers.FreePort();
        var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        await using var server = Create(ExampleCluster.Create(), port);
        await Assert.ThrowsAsync<SocketException>(() => server.StartAsync());

        holder.Dispose();
        await server.StartAsync();

        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    /// <summary>
    /// The port chosen for port 0 is kept for restarts, so a restart does not move to a new port (a test in the engine
    /// classes).
    /// </summary>
    protected async Task AssertPortZeroRestartAfterPortTakenThrowsAsync()
    {
        await using var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        var port = server.LocalEndPoint!.Port;
        await server.StopAsync();
        using var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));

        var error = await Assert.ThrowsAsync<SocketException>(() => server.StartAsync());

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public async Task StartAsync_WhenRunning_DoesNothing()
    {
        await using var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        var first = server.LocalEndPoint;

        await server.StartAsync();

        Assert.Equal(first, server.LocalEndPoint);
        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    [Fact]
    public async Task StopAsync_NotStarted_DoesNothing()
    {
        await using var server = Create(ExampleCluster.Create());

        await server.StopAsync();
        await server.StopAsync();

        Assert.False(server.IsRunning);
    }

    [Fact]
    public async Task StartAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        await server.DisposeAsync();
        await server.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.StartAsync());
    }

    [Fact]
    public async Task StartStop_ConcurrentCalls_EndStopped()
    {
        await using var server = Create(ExampleCluster.Create());
        await server.StartAsync();
        var port = server.LocalEndPoint!.Port;
        await server.StopAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? server.StartAsync() : server.StopAsync())).WaitAsync(Bound);
        await server.StopAsync().WaitAsync(Bound);

        Assert.False(server.IsRunning);
        Assert.True(TestServers.CanBind(port, out var error), error);
    }

    [Fact]
    public async Task TcpIdleTimeout_SilentClient_Disconnected()
    {
        await using var server = Create(ExampleCluster.Create(), 0, o => o.TcpIdleTimeout = TimeSpan.FromMilliseconds(300));
        await server.StartAsync();
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(server.LocalEndPoint!);

        Assert.True(await RawDns.SeesCloseAsync(client.GetStream(), TimeSpan.FromSeconds(8)));
        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    private ITestServer Create(ClusterState state, int port = 0, Action<TestServerOptions>? configure = null) =>
        TestServers.Create(engine, state, o =>
        {
            o.Endpoint = new IPEndPoint(IPAddress.Loopback, port);
            configure?.Invoke(o);
        });

    private static async Task AssertAnswersAsync(IPEndPoint endPoint, bool tcp = true)
    {
        var query = new RawQuery { Id = 0x5151 }.ToBytes();
        var udp = await RawDns.ExchangeUdpAsync(endPoint, query);
        Assert.Equal((0, 1), (udp.Rcode, udp.AnCount));
        if (tcp)
        {
            var overTcp = await RawDns.ExchangeTcpAsync(endPoint, query);
            Assert.Equal((0, 1), (overTcp.Rcode, overTcp.AnCount));
        }
    }
}

/// <summary><see cref="LifecycleTests"/> on the native engine.</summary>
[Collection(SocketLifecycleGroup.Name)]
public sealed class NativeLifecycleTests() : LifecycleTests(Engine.Native)
{
    [Fact]
    public Task StartAsync_AfterStopSameInstance_ServesOnSamePort() => AssertRestartServesOnSamePortAsync();

    [Fact]
    public Task StartAsync_PortZeroRestartAfterPortTaken_ThrowsInsteadOfPickingAnother() => AssertPortZeroRestartAfterPortTakenThrowsAsync();
}
