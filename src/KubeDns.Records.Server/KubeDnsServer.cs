using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Forwarding;
using KubeDns.Records.Serving;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>
/// A DNS server engine on UDP and TCP that answers straight from the core's wire layer
/// (<see cref="DnsWire.TryRespond"/>): no message objects, no allocation per UDP query in steady state.
/// UDP runs several blocking receive loops on dedicated threads, batching system calls with recvmmsg/sendmmsg on Linux;
/// TCP (RFC 7766) answers pipelined queries in order per connection, with an idle timeout and connection caps (global
/// and per client address) that close the longest-idle connection to make room.
/// Snapshot changes are visible to the next query. Counters are published on the meter <see cref="MeterName"/>.
/// </summary>
public sealed partial class KubeDnsServer : IAsyncDisposable, IDisposable
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the server publishes its counters on.</summary>
    public const string MeterName = "KubeDns.Records.Server";


    private readonly ClusterState _state;
    private readonly KubeDnsServerOptions _options;
    private readonly DnsWireOptions _wire;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly DnsServerMetrics _metrics;
    private readonly RecursionAllowList _recursion;
    private Running? _running;
    private bool _disposed;

    /// <summary>Creates a server; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="state">The cluster to serve.</param>
    /// <param name="options">Endpoints, loops, limits and the forwarder; defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public KubeDnsServer(ClusterState state, KubeDnsServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        options ??= new KubeDnsServerOptions();
        options.Validate();
        _state = state;
        _options = Copy(options);
        _wire = new DnsWireOptions
        {
            MaxUdpPayloadSize = options.MaxUdpPayloadSize,
            RecursionAvailable = options.Forwarder is not null,
            FallThrough = options.Forwarder is not null,
        };
        _metrics = new DnsServerMetrics(MeterName, options.MeterFactory);
        _recursion = RecursionAllowList.TryParse(_options.RecursionAllowedNetworks, out var recursion, out _) ? recursion : throw new UnreachableException("Validate() checked the networks.");
    }

    /// <summary>Raised after each query is answered, when subscribed (the event arguments allocate).</summary>
    public event EventHandler<DnsQueryAnsweredEventArgs>? QueryAnswered;

    /// <summary>The bound endpoints (real ports when configured with 0), in the order configured; empty when stopped.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _running?.Endpoints ?? [];

    /// <summary>The first bound endpoint, or null when stopped.</summary>
    public IPEndPoint? LocalEndPoint => _running?.Endpoints[0];

    /// <summary>True between a successful start and the next stop.</summary>
    public bool IsRunning => _running is not null;

    /// <summary>Current TCP connections.</summary>
    public int TcpConnections => _running?.TcpConnections ?? 0;

    /// <summary>
    /// True while running when the UDP loops receive and send datagrams in batches (<c>recvmmsg</c>/<c>sendmmsg</c>,
    /// Linux, <see cref="KubeDnsServerOptions.UdpBatchSize"/> above 1); false when stopped, when batching is off, or
    /// where those calls are unavailable and the loops use one system call per datagram.
    /// </summary>
    public bool IsUdpBatching => _running?.UdpBatching ?? false;

    /// <summary>
    /// Responses sent with a response code (NOERROR, NXDOMAIN …) over UDP and TCP, since creation; relayed upstream
    /// replies count with the upstream's code.
    /// </summary>
    /// <param name="code">The response code.</param>
    /// <returns>The count.</returns>
    public long ResponsesWith(ResponseCode code) => _metrics.ResponsesWith(code);

    /// <summary>Messages not answered (runts, responses, send failures), since creation.</summary>
    public long Dropped => _metrics.Dropped;

    /// <summary>Queries handed to the forwarder, since creation.</summary>
    public long Forwarded => _metrics.Forwarded;

    /// <summary>Binds every endpoint on UDP and TCP and starts answering. Does nothing when already running.</summary>
    /// <param name="cancellationToken">Cancels waiting for another start or stop.</param>
    /// <returns>A task that completes when the server answers queries.</returns>
    /// <exception cref="SocketException">A port is in use or an address is not available; nothing stays bound.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_running is not null)
            {
                return;
            }

            // Probed once per process: recvmmsg/sendmmsg exist and work (Linux), else one call per datagram.
            var running = new Running(
                new TcpConnectionTable(_options.MaxTcpConnections, _options.MaxTcpConnectionsPerClient, _metrics),
                ResponseRateLimiter.Create(_options.ResponseRateLimit, _options.ResponseRateLimitSlip, _options.TimeProvider, _metrics))
            {
                UdpBatching = _options.UdpBatchSize > 1 && LinuxDatagrams.IsSupported,
            };
            try
            {
                for (var i = 0; i < _options.Endpoints.Count; i++)
                {
                    BindEndpoint(running, _options.Endpoints[i], i);
                }
            }
            catch
            {
                running.CloseSockets();
                throw;
            }

            foreach (var udp in running.UdpSockets)
            {
                var loops = _options.ReusePort ? 1 : _options.UdpReceivers;
                for (var i = 0; i < loops; i++)
                {
                    var thread = new Thread(static s => ((UdpLoop)s!).Run()) { IsBackground = true, Name = "kubedns-udp" };
                    running.Threads.Add(thread);
                    thread.Start(new UdpLoop(this, udp, running));
                }
            }

            foreach (var listener in running.TcpListeners)
            {
                running.Tasks.Add(Task.Run(() => AcceptLoopAsync(listener, running), CancellationToken.None));
            }

            _running = running;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops answering: closes every socket and TCP connection, and waits (until <paramref name="cancellationToken"/>
    /// is cancelled) for the loops to end. Does nothing when not running.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the loops.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var running = _running;
            if (running is null)
            {
                return;
            }

            _running = null;
            await running.Stop.CancelAsync().ConfigureAwait(false);
            running.CloseSockets();
            running.Connections.CloseAll();

            try
            {
                await Task.WhenAll(running.Tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The caller stopped waiting; the loops end on their own.
            }

            foreach (var thread in running.Threads)
            {
                thread.Join(TimeSpan.FromSeconds(2));
            }

            running.Stop.Dispose();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server and releases everything it holds.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await StopAsync(timeout.Token).ConfigureAwait(false);
        _disposed = true;
        _lifecycle.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Stops the server synchronously (for containers disposed without await).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static KubeDnsServerOptions Copy(KubeDnsServerOptions options)
    {
        var copy = new KubeDnsServerOptions
        {
            UdpReceivers = options.UdpReceivers,
            ReusePort = options.ReusePort,
            UdpBatchSize = options.UdpBatchSize,
            MaxUdpPayloadSize = options.MaxUdpPayloadSize,
            TcpIdleTimeout = options.TcpIdleTimeout,
            MaxTcpConnections = options.MaxTcpConnections,
            MaxTcpConnectionsPerClient = options.MaxTcpConnectionsPerClient,
            ResponseRateLimit = options.ResponseRateLimit,
            ResponseRateLimitSlip = options.ResponseRateLimitSlip,
            TimeProvider = options.TimeProvider,
            Forwarder = options.Forwarder,
            MeterFactory = options.MeterFactory,
        };
        foreach (var endpoint in options.Endpoints)
        {
            copy.Endpoints.Add(endpoint);
        }

        if (copy.Endpoints.Count == 0)
        {
            copy.Endpoints.Add(KubeDnsServerOptions.DefaultEndpoint);
        }

        copy.RecursionAllowedNetworks.Clear();
        foreach (var network in options.RecursionAllowedNetworks)
        {
            copy.RecursionAllowedNetworks.Add(network);
        }

        return copy;
    }

    /// <summary>
    /// Counts what the wire layer decided. An answer still to be completed upstream, like a forwarded query, is
    /// counted by <see cref="CompleteAsync"/> once the reply is final, since the upstream's response code is the one sent.
    /// </summary>
    private void Count(DnsRespondResult result, bool tcp)
    {
        if (result.Status == DnsRespondStatus.Respond && !NeedsUpstream(result))
        {
            _metrics.Response(result.ResponseCode, tcp);
        }
        else if (result.Status == DnsRespondStatus.Drop)
        {
            _metrics.Drop();
        }
    }

    private void Raise(ReadOnlySpan<byte> query, DnsRespondResult result, bool tcp, IPEndPoint? remote)
    {
        if (QueryAnswered is { } handler && result.Status != DnsRespondStatus.Drop)
        {
            handler(this, DnsQueryAnsweredEventArgs.From(query, result, tcp, remote));
        }
    }
}
