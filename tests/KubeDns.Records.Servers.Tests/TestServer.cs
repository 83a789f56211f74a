using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>The DNS server engines the end-to-end tests run against.</summary>
public enum Engine
{
    /// <summary><see cref="KubeDnsServer"/> (KubeDns.Records.Server, on the core's wire layer).</summary>
    Native,
}

/// <summary>The options the tests set, mapped to each engine's own options by <see cref="TestServers.Create"/>.</summary>
public sealed record TestServerOptions
{
    /// <summary>UDP and TCP endpoint. Default 127.0.0.1 with an ephemeral port.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Upstream resolvers; none means no forwarding (the native engine then has no forwarder).</summary>
    public IList<IPEndPoint> Upstreams { get; } = [];

    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int MaxUdpPayloadSize { get; set; } = 1232;

    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxTcpConnections { get; set; } = 256;

    public int MaxTcpConnectionsPerClient { get; set; } = 16;

    /// <summary>UDP response rate limit, responses per second per answer and client network; 0 (default) is off.</summary>
    public int ResponseRateLimit { get; set; }

    public int ResponseRateLimitSlip { get; set; } = 2;

    /// <summary>The clock the rate limit measures time by; null keeps the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The clients that may have queries forwarded (CIDR); null keeps the engine's default.</summary>
    public IList<string>? RecursionAllowedNetworks { get; set; }

    /// <summary>Creates the engine's meter; null lets the engine create its own.</summary>
    public IMeterFactory? MeterFactory { get; set; }
}

/// <summary>One answered query as either engine reports it in its <c>QueryAnswered</c> event.</summary>
public sealed record AnsweredQuery(string Name, RecordType Type, ResponseCode ResponseCode, bool IsTcp, bool Forwarded, IPEndPoint? RemoteEndPoint);

/// <summary>A DNS server under test, whichever the engine.</summary>
public interface ITestServer : IAsyncDisposable
{
    Engine Engine { get; }

    /// <summary>The cluster served.</summary>
    ClusterState State { get; }

    /// <summary>The bound endpoint (real port), or null when stopped.</summary>
    IPEndPoint? LocalEndPoint { get; }

    bool IsRunning { get; }

    /// <summary>Raised after each answered query.</summary>
    event EventHandler<AnsweredQuery>? QueryAnswered;

    Task StartAsync(CancellationToken cancellationToken = default);

    Task StopAsync(CancellationToken cancellationToken = default);
}

/// <summary>The native engine behind <see cref="ITestServer"/>: one endpoint, a <see cref="UdpDnsForwarder"/> when there are upstreams.</summary>
internal sealed class NativeTestServer : ITestServer
{
    public NativeTestServer(ClusterState state, TestServerOptions options)
    {
        var engine = new KubeDnsServerOptions
        {
            MaxUdpPayloadSize = options.MaxUdpPayloadSize,
            TcpIdleTimeout = options.TcpIdleTimeout,
            MaxTcpConnections = options.MaxTcpConnections,
            MaxTcpConnectionsPerClient = options.MaxTcpConnectionsPerClient,
            ResponseRateLimit = options.ResponseRateLimit,
            ResponseRateLimitSlip = options.ResponseRateLimitSlip,
            TimeProvider = options.TimeProvider ?? TimeProvider.System,
            Forwarder = options.Upstreams.Count > 0 ? new UdpDnsForwarder(options.Upstreams, options.UpstreamTimeout) : null,
            MeterFactory = options.MeterFactory,
        };
        engine.Endpoints.Clear();
        engine.Endpoints.Add(options.Endpoint);
        if (options.RecursionAllowedNetworks is { } networks)
        {
            engine.RecursionAllowedNetworks.Clear();
            foreach (var network in networks)
            {
                engine.RecursionAllowedNetworks.Add(network);
            }
        }

        State = state;
        Server = new KubeDnsServer(state, engine);
        Server.QueryAnswered += (_, e) =>
            QueryAnswered?.Invoke(this, new AnsweredQuery(e.Name, e.Type, e.ResponseCode, e.IsTcp, e.Forwarded, e.RemoteEndPoint));
    }

    public event EventHandler<AnsweredQuery>? QueryAnswered;

    public Engine Engine => Engine.Native;

    /// <summary>The engine's own server, for engine-specific assertions.</summary>
    public KubeDnsServer Server { get; }

    public ClusterState State { get; }

    public IPEndPoint? LocalEndPoint => Server.LocalEndPoint;

    public bool IsRunning => Server.IsRunning;

    public Task StartAsync(CancellationToken cancellationToken = default) => Server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => Server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Collects a server's <see cref="ITestServer.QueryAnswered"/> events. Both engines may raise the event for a UDP query
/// after the reply is sent, so tests wait for the count they expect (bounded) instead of reading at once.
/// </summary>
internal sealed class AnsweredQueries : IDisposable
{
    private readonly ITestServer _server;
    private readonly ConcurrentQueue<AnsweredQuery> _events = new();

    public AnsweredQueries(ITestServer server)
    {
        _server = server;
        _server.QueryAnswered += OnAnswered;
    }

    public AnsweredQuery[] Snapshot => [.. _events];

    /// <summary>The events so far, once there are at least <paramref name="count"/> (or after five seconds).</summary>
    public async Task<AnsweredQuery[]> WaitForAsync(int count, Func<AnsweredQuery, bool>? filter = null)
    {
        filter ??= _ => true;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_events.Count(filter) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return [.. _events.Where(filter)];
    }

    public void Dispose() => _server.QueryAnswered -= OnAnswered;

    private void OnAnswered(object? sender, AnsweredQuery e) => _events.Enqueue(e);
}
