using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Serving;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// A DNS server for a <see cref="ClusterState"/> on one endpoint, UDP and TCP, built on ARSoft.Tools.Net.
/// Snapshot changes are visible to the very next query. Start, stop and start again as often as needed: each start
/// builds a new ARSoft server on sockets this class binds and closes itself, which avoids ARSoft's lifecycle bugs
/// (a stop right after a start throwing and leaving sockets bound, no restart of a stopped server, TCP
/// connections left open by <c>Stop</c>). Counters are published on the meter <see cref="MeterName"/>.
/// </summary>
public sealed class ArSoftServer : IAsyncDisposable
{
    /// <summary>The name of the <see cref="Meter"/> the server publishes its counters on.</summary>
    public const string MeterName = "KubeDns.Records.ArSoft";

    private const int PortAttempts = 20;

    private readonly ArSoftServerOptions _options;
    private readonly KubeDnsQueryHandler _handler;
    private readonly DnsServerMetrics _metrics;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private DnsServer? _server;
    private KubeDnsUdpTransport? _udp;
    private KubeDnsTcpTransport? _tcp;
    private int _inFlight;
    private int _stickyPort;
    private bool _disposed;

    /// <summary>Creates a server; nothing is bound until <see cref="StartAsync"/>.</summary>
    /// <param name="state">The cluster to serve.</param>
    /// <param name="options">Endpoint, upstreams and limits; defaults when null. Copied: later changes have no effect.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public ArSoftServer(ClusterState state, ArSoftServerOptions? options = null)
        : this(state, options, containerMeterFactory: null)
    {
    }

    /// <summary>Creates a server whose meter comes from the container's factory unless the options name one.</summary>
    internal ArSoftServer(ClusterState state, ArSoftServerOptions? options, IMeterFactory? containerMeterFactory)
    {
        ArgumentNullException.ThrowIfNull(state);
        options ??= new ArSoftServerOptions();
        options.Validate();
        _options = Copy(options);
        State = state;
        _metrics = new DnsServerMetrics(MeterName, _options.MeterFactory ?? containerMeterFactory);
        _handler = new KubeDnsQueryHandler(state, _options);
        _handler.QueryAnswered += (_, e) =>
        {
            _metrics.Response(e.ResponseCode, e.IsTcp);
            if (e.Forwarded)
            {
                _metrics.Forward();
            }

            QueryAnswered?.Invoke(this, e);
        };
    }

    /// <summary>Raised after each query is answered (for logging and metrics).</summary>
    public event EventHandler<QueryAnsweredEventArgs>? QueryAnswered;

    /// <summary>The cluster served.</summary>
    public ClusterState State { get; }

    /// <summary>The bound endpoint, with the real port when the configured port was 0; null when not running.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>True between a successful <see cref="StartAsync"/> and the next <see cref="StopAsync"/>.</summary>
    public bool IsRunning => _server is not null;

    /// <summary>
    /// Binds UDP and TCP on the configured endpoint and starts answering. With port 0 a port free for both is chosen
    /// and kept for later restarts. Does nothing when already running.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for another start or stop in progress.</param>
    /// <returns>A task that completes when the server answers queries.</returns>
    /// <exception cref="SocketException">The port is in use or the address is not available.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_server is not null)
            {
                return;
            }

            var (udp, tcp) = Bind();
            // A fresh limiter per start, as the sockets are: a restarted server owes nobody an earlier second's debt.
            var limiter = ResponseRateLimiter.Create(_options.ResponseRateLimit, _options.ResponseRateLimitSlip, _options.TimeProvider, _metrics);
            _udp = new KubeDnsUdpTransport(udp, OnFormatError, _metrics, limiter);
            _tcp = new KubeDnsTcpTransport(tcp, _options.TcpIdleTimeout, new TcpConnectionTable(_options.MaxTcpConnections, _options.MaxTcpConnectionsPerClient, _metrics), OnFormatError, _metrics);
            LocalEndPoint = (IPEndPoint)udp.LocalEndPoint!;
            _stickyPort = LocalEndPoint.Port;

            var server = new DnsServer(_udp, _tcp);
            server.QueryReceived += OnQueryReceivedAsync;
            server.Start();
            _server = server;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops answering: closes both sockets and every open TCP connection, then waits (until
    /// <paramref name="cancellationToken"/> is cancelled) for queries already being answered. Does nothing when not running.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for queries in flight.</param>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var server = _server;
            if (server is null)
            {
                return;
            }

            _server = null;
            server.QueryReceived -= OnQueryReceivedAsync;
            try
            {
                server.Stop();
            }
            catch (AggregateException)
            {
                // ARSoft's Stop throws when called before its accept loops started, and then skips closing the
                // transports; they are closed below either way.
            }

            _udp?.Dispose();
            _tcp?.Dispose();
            _udp = null;
            _tcp = null;
            LocalEndPoint = null;

            while (Volatile.Read(ref _inFlight) > 0 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
            }
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
        _handler.Dispose();
        _metrics.Dispose();
    }

    /// <summary>The transports answer malformed queries themselves (ARSoft cannot parse them); log and count those too.</summary>
    private void OnFormatError(bool isTcp, IPEndPoint? remote)
    {
        _metrics.Response(ResponseCode.FormatError, isTcp);
        QueryAnswered?.Invoke(this, new QueryAnsweredEventArgs(string.Empty, RecordType.None, ResponseCode.FormatError, isTcp, remote, forwarded: false));
    }

    private async Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await _handler.OnQueryReceivedAsync(sender, e).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// Binds a UDP socket and a TCP listener on the same port. For port 0 the kernel picks the UDP port and TCP
    /// must get the same one; if another process holds it for TCP, try again with a new port.
    /// </summary>
    private (Socket Udp, Socket Tcp) Bind()
    {
        var requested = _options.Endpoint;
        var port = requested.Port != 0 ? requested.Port : _stickyPort;
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(requested.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            Socket? tcp = null;
            try
            {
                if (requested.Address.Equals(IPAddress.IPv6Any))
                {
                    udp.DualMode = true;
                }

                udp.Bind(new IPEndPoint(requested.Address, port));
                var bound = ((IPEndPoint)udp.LocalEndPoint!).Port;
                tcp = new Socket(requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (requested.Address.Equals(IPAddress.IPv6Any))
                {
                    tcp.DualMode = true;
                }

                tcp.Bind(new IPEndPoint(requested.Address, bound));
                tcp.Listen(512);
                return (udp, tcp);
            }
            catch (SocketException) when (port == 0 && attempt < PortAttempts)
            {
                udp.Dispose();
                tcp?.Dispose();
            }
            catch
            {
                udp.Dispose();
                tcp?.Dispose();
                throw;
            }
        }
    }

    private static ArSoftServerOptions Copy(ArSoftServerOptions options)
    {
        var copy = new ArSoftServerOptions
        {
            Endpoint = options.Endpoint,
            UpstreamTimeout = options.UpstreamTimeout,
            MaxUdpPayloadSize = options.MaxUdpPayloadSize,
            TcpIdleTimeout = options.TcpIdleTimeout,
            MaxTcpConnections = options.MaxTcpConnections,
            MaxTcpConnectionsPerClient = options.MaxTcpConnectionsPerClient,
            ResponseRateLimit = options.ResponseRateLimit,
            ResponseRateLimitSlip = options.ResponseRateLimitSlip,
            TimeProvider = options.TimeProvider,
            MeterFactory = options.MeterFactory,
        };
        foreach (var upstream in options.Upstreams)
        {
            copy.Upstreams.Add(upstream);
        }

        copy.RecursionAllowedNetworks.Clear();
        foreach (var network in options.RecursionAllowedNetworks)
        {
            copy.RecursionAllowedNetworks.Add(network);
        }

        return copy;
    }
}
