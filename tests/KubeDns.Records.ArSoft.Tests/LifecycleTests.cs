using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Tests.TestData;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary>Start, stop, restart and dispose of <see cref="KubeDnsServer"/>, and what happens to its sockets.</summary>
[Collection(SocketLifecycleGroup.Name)]
public class LifecycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StopAsync_RightAfterStart_DoesNotThrowAndFreesPort()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));

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
        var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
        await server.StartAsync();
        var port = server.LocalEndPoint!.Port;

        await server.DisposeAsync().AsTask().WaitAsync(Bound);

        Assert.True(TestServers.CanBind(port, out var error), error);
    }

    [Fact]
    public async Task StartAsync_PortZero_ReportsRealPortServingUdpAndTcp()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));

        await server.StartAsync();

        Assert.True(server.IsRunning);
        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint!.Address);
        Assert.NotEqual(0, server.LocalEndPoint.Port);
        await AssertAnswersAsync(server.LocalEndPoint);
    }

    [Fact]
    public async Task StartAsync_AfterStopSameInstance_ServesOnSamePort()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
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
        await using (var first = new KubeDnsServer(state, Loopback(0)))
        {
            await first.StartAsync();
            port = first.LocalEndPoint!.Port;
            await AssertAnswersAsync(first.LocalEndPoint);
            await first.StopAsync();
        }

        await using var second = new KubeDnsServer(state, Loopback(port));
        await second.StartAsync();

        Assert.Equal(port, second.LocalEndPoint!.Port);
        await AssertAnswersAsync(second.LocalEndPoint);
    }

    [Fact]
    public async Task StartStop_TenCycles_LeaveNoBoundSocket()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
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
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
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
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
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
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(port));

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
            await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(port));

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
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(port));
        await Assert.ThrowsAsync<SocketException>(() => server.StartAsync());

        holder.Dispose();
        await server.StartAsync();

        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    [Fact]
    public async Task StartAsync_PortZeroRestartAfterPortTaken_ThrowsInsteadOfPickingAnother()
    {
        // Documented: the port chosen for port 0 is kept for restarts, so a restart does not move to a new port.
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
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
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
        await server.StartAsync();
        var first = server.LocalEndPoint;

        await server.StartAsync();

        Assert.Equal(first, server.LocalEndPoint);
        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    [Fact]
    public async Task StopAsync_NotStarted_DoesNothing()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));

        await server.StopAsync();
        await server.StopAsync();

        Assert.False(server.IsRunning);
    }

    [Fact]
    public async Task StartAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
        await server.StartAsync();
        await server.DisposeAsync();
        await server.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.StartAsync());
    }

    [Fact]
    public async Task StartStop_ConcurrentCalls_EndStopped()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0));
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
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0, o => o.TcpIdleTimeout = TimeSpan.FromMilliseconds(300)));
        await server.StartAsync();
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(server.LocalEndPoint!);

        Assert.True(await RawDns.SeesCloseAsync(client.GetStream(), TimeSpan.FromSeconds(8)));
        await AssertAnswersAsync(server.LocalEndPoint!);
    }

    [Fact]
    public async Task MaxTcpConnections_OneOverTheCap_ClosedAtOnceOthersServed()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(0, o => o.MaxTcpConnections = 2));
        await server.StartAsync();
        var endPoint = server.LocalEndPoint!;
        using var first = await ConnectAndQueryAsync(endPoint);
        using var second = await ConnectAndQueryAsync(endPoint);

        using var third = new TcpClient(AddressFamily.InterNetwork);
        await third.ConnectAsync(endPoint);
        Assert.True(await RawDns.SeesCloseAsync(third.GetStream(), TimeSpan.FromSeconds(5)), "a third connection was kept over the cap of 2");

        first.Dispose();
        using var replacement = await RetryAsync(() => ConnectAndQueryAsync(endPoint));
        await AssertAnswersAsync(endPoint, tcp: false);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(70000)]
    public void Constructor_PayloadSizeOutOfRange_ArgumentExceptionNamingOption(int size)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(0, o => o.MaxUdpPayloadSize = size)));

        Assert.Contains("MaxUdpPayloadSize", error.Message);
        Assert.Contains(size.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void Constructor_UpstreamWithoutPort_ArgumentExceptionNamingOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(0, o => o.Upstreams.Add(new IPEndPoint(IPAddress.Loopback, 0)))));

        Assert.Contains("Upstreams", error.Message);
    }

    [Fact]
    public void Constructor_NullState_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new KubeDnsServer(null!));

    [Fact]
    public async Task Options_ChangedAfterConstruction_NoEffect()
    {
        var options = Loopback(0);
        await using var server = new KubeDnsServer(ExampleCluster.Create(), options);
        options.Upstreams.Add(new IPEndPoint(IPAddress.Loopback, 9));
        await server.StartAsync();

        var output = await Dig.RunAsync(server.LocalEndPoint!, "example.com", "A");

        Assert.Equal("REFUSED", Dig.Status(output));
    }

    private static KubeDnsServerOptions Loopback(int port, Action<KubeDnsServerOptions>? configure = null)
    {
        var options = new KubeDnsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, port) };
        configure?.Invoke(options);
        return options;
    }

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

    private static async Task<TcpClient> ConnectAndQueryAsync(IPEndPoint endPoint)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            using var cts = new CancellationTokenSource(RawDns.ReplyTimeout);
            await client.ConnectAsync(endPoint, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(RawDns.Frame(new RawQuery().ToBytes()), cts.Token);
            _ = await RawDns.ReadFrameAsync(stream, cts.Token) ?? throw new IOException("closed without an answer");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (attempt < 20 && e is IOException or SocketException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }
    }
}
