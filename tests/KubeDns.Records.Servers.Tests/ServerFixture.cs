using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// A started server of one <see cref="Engine"/> on 127.0.0.1 (ephemeral port) serving the example cluster of
/// specification.md §14.1 plus the headless service <c>big</c> in namespace <c>load</c> with 200 ready endpoints
/// 10.200.0.1 … 10.200.0.200. Shared by the tests of one class; those tests only read.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string Big = "big.load.svc.cluster.local";

    public const int BigEndpoints = 200;

    /// <summary>A headless service with 12 endpoints (10.201.0.1 …): 238 bytes as an A answer without EDNS.</summary>
    public const string Dozen = "dozen.load.svc.cluster.local";

    /// <summary>A headless service with 30 endpoints (10.202.0.1 …): 538 bytes as an A answer with EDNS.</summary>
    public const string Thirty = "thirty.load.svc.cluster.local";

    public abstract Engine Engine { get; }

    public ClusterState State { get; } = CreateState();

    public ITestServer Server { get; private set; } = null!;

    public IPEndPoint EndPoint => Server.LocalEndPoint ?? throw new InvalidOperationException("The server is not running.");

    /// <summary>The example cluster, synced, plus <c>load/big</c>.</summary>
    public static ClusterState CreateState(bool synced = true)
    {
        var state = ExampleCluster.Create(synced: synced);
        state.Apply(BigBatch());
        return state;
    }

    /// <summary>The 200 addresses of <c>big</c>, in endpoint order.</summary>
    public static IEnumerable<string> BigAddresses() =>
        Enumerable.Range(1, BigEndpoints).Select(i => $"10.200.{i / 256}.{i % 256}");

    public async Task InitializeAsync() => Server = await TestServers.StartAsync(Engine, State);

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    private static ClusterChangeBatch BigBatch()
    {
        var batch = new ClusterChangeBatch();
        batch.Upsert(new NamespaceDescriptor { Name = "load" });
        batch.Upsert(ExampleCluster.Service("load", "big", KubernetesServiceDescriptor.None, ExampleCluster.Port("http", 80)));
        batch.Upsert(ExampleCluster.Slice("load", "big-x1", "big", [ExampleCluster.SlicePort("http", 80)],
            [.. BigAddresses().Select((address, i) => ExampleCluster.Endpoint(address, $"big-{i}"))]));
        foreach (var (name, count, octet) in new[] { ("dozen", 12, 201), ("thirty", 30, 202) })
        {
            batch.Upsert(ExampleCluster.Service("load", name, KubernetesServiceDescriptor.None, ExampleCluster.Port("http", 80)));
            batch.Upsert(ExampleCluster.Slice("load", $"{name}-x1", name, [ExampleCluster.SlicePort("http", 80)],
                [.. Enumerable.Range(1, count).Select(i => ExampleCluster.Endpoint($"10.{octet}.0.{i}", $"{name}-{i}"))]));
        }

        return batch;
    }
}

/// <summary>The shared server on the native engine.</summary>
public sealed class NativeServerFixture : ServerFixture
{
    public override Engine Engine => Engine.Native;
}

/// <summary>
/// Tests that bind fixed ports, or check that a port is free after a stop, run alone: ports just released by one
/// test are otherwise picked up by the ephemeral sockets of others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SocketLifecycleGroup
{
    public const string Name = "Socket lifecycle";
}

/// <summary>Starting servers and finding ports for tests.</summary>
internal static partial class TestServers
{
    /// <summary>Creates a server of <paramref name="engine"/> (not started), on 127.0.0.1 with an ephemeral port unless configured.</summary>
    public static ITestServer Create(Engine engine, ClusterState state, Action<TestServerOptions>? configure = null)
    {
        var options = new TestServerOptions();
        configure?.Invoke(options);
        return engine switch
        {
            Engine.Native => new NativeTestServer(state, options),
            _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine"),
        };
    }

    /// <summary>Starts a native engine on the example cluster at 127.0.0.1, ephemeral port; disposes it if the start fails.</summary>
    public static async Task<KubeDnsServer> StartNativeAsync(Action<KubeDnsServerOptions>? configure = null)
    {
        var options = new KubeDnsServerOptions();
        options.Endpoints.Clear();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        configure?.Invoke(options);
        var server = new KubeDnsServer(ExampleCluster.Create(), options);
        await StartOrDisposeAsync(server, server.StartAsync);
        return server;
    }

    /// <summary>Creates and starts a server on 127.0.0.1 with an ephemeral port; disposes it if the start fails.</summary>
    public static async Task<ITestServer> StartAsync(Engine engine, ClusterState state, Action<TestServerOptions>? configure = null)
    {
        var server = Create(engine, state, configure);
        await StartOrDisposeAsync(server, server.StartAsync);
        return server;
    }

    /// <summary>Starts <paramref name="server"/> within 10 s; disposes it if the start fails, so no socket is left bound.</summary>
    private static async Task StartOrDisposeAsync(IAsyncDisposable server, Func<CancellationToken, Task> start)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await start(timeout.Token);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A port on 127.0.0.1 that was free for both UDP and TCP a moment ago (callers retry on SocketException).</summary>
    public static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    /// <summary>
    /// True when both a UDP socket and a TCP listener can bind <paramref name="port"/> on 127.0.0.1. Tries for up to two
    /// seconds: a socket closed a moment ago can stay referenced briefly by a child process between fork and exec (the
    /// tests start dig), while a socket that was never closed stays bound for good.
    /// </summary>
    public static bool CanBind(int port, out string? error)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (!TryBind(port, out error) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        return error is null;
    }

    private static bool TryBind(int port, out string? error)
    {
        var protocol = "UDP";
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            protocol = "TCP";
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            tcp.Listen();
            error = null;
            return true;
        }
        catch (SocketException e)
        {
            error = $"{protocol} port {port}: {e.SocketErrorCode}: {e.Message}";
            return false;
        }
    }

    /// <summary>Replaces the serial of SOA lines in dig output with &lt;serial&gt;, so answers can be compared as text.</summary>
    public static string[] WithoutSerial(string[] lines) =>
        [.. lines.Select(line => SoaSerial().Replace(line, "${head}<serial>${tail}"))];

    [GeneratedRegex(@"^(?<head>\S+ \d+ IN SOA \S+ \S+ )\d+(?<tail> .*)$")]
    private static partial Regex SoaSerial();
}
