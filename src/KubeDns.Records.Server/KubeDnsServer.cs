using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Serving;
using KubeDns.Records.Forwarding;
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

    private const int PortAttempts = 20;

    private readonly ClusterState _state;
    private readonly KubeDnsServerOptions _options;
    private readonly DnsWireOptions _wire;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly DnsServerMetrics _metrics;
    private readonly Dictionary<int, int> _stickyPorts = [];
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
        _recursion = RecursionAllowList.Parse(_options.RecursionAllowedNetworks, "KubeDnsServerOptions.RecursionAllowedNetworks", nameof(options.RecursionAllowedNetworks));
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

    private void BindEndpoint(Running running, IPEndPoint requested, int index)
    {
        var sockets = _options.ReusePort ? _options.UdpReceivers : 1;
        for (var attempt = 0; ; attempt++)
        {
            var bound = new List<Socket>();
            Socket? tcp = null;
            try
            {
                // Port 0 picks a port on the first start and keeps it for restarts, as the ARSoft server does.
                var port = requested.Port != 0 ? requested.Port : _stickyPorts.GetValueOrDefault(index);
                for (var i = 0; i < sockets; i++)
                {
                    var udp = new Socket(requested.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    bound.Add(udp);
                    if (requested.Address.Equals(IPAddress.IPv6Any))
                    {
                        udp.DualMode = true;
                    }

                    if (_options.ReusePort)
                    {
                        ReusePort.Enable(udp);
                    }

                    // A timeout lets the blocking loops notice a stop even where closing does not wake them.
                    udp.ReceiveTimeout = 500;
                    udp.ReceiveBufferSize = 4 << 20;
                    udp.Bind(new IPEndPoint(requested.Address, port));
                    port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                }

                tcp = new Socket(requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (requested.Address.Equals(IPAddress.IPv6Any))
                {
                    tcp.DualMode = true;
                }

                tcp.Bind(new IPEndPoint(requested.Address, port));
                tcp.Listen(512);
                running.UdpSockets.AddRange(bound);
                running.TcpListeners.Add(tcp);
                running.Endpoints.Add(new IPEndPoint(requested.Address, port));
                _stickyPorts[index] = port;
                return;
            }
            catch (SocketException) when (requested.Port == 0 && !_stickyPorts.ContainsKey(index) && attempt < PortAttempts)
            {
                bound.ForEach(s => s.Dispose());
                tcp?.Dispose();
            }
            catch
            {
                bound.ForEach(s => s.Dispose());
                tcp?.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Counts what the wire layer decided. An answer still to be completed upstream, like a forwarded query, is
    /// counted by <see cref="CountSent"/> once the reply is final, since the upstream's response code is the one sent.
    /// </summary>
    private void Count(DnsRespondResult result, bool tcp)
    {
        if (result.Status == DnsRespondStatus.Respond && !(result.HasExternalTarget && _options.Forwarder is not null))
        {
            _metrics.Response(result.ResponseCode, tcp);
        }
        else if (result.Status == DnsRespondStatus.Drop)
        {
            _metrics.Drop();
        }
    }

    /// <summary>Counts a reply assembled with an upstream's help by the code in its header (RFC 1035 §4.1.1).</summary>
    private void CountSent(ReadOnlySpan<byte> reply, bool tcp)
    {
        if (reply.Length >= 12)
        {
            _metrics.Response((ResponseCode)(reply[3] & 0xF), tcp);
        }
    }

    private void Raise(ReadOnlySpan<byte> query, DnsRespondResult result, bool tcp, IPEndPoint? remote)
    {
        if (QueryAnswered is { } handler && result.Status != DnsRespondStatus.Drop)
        {
            handler(this, DnsQueryAnsweredEventArgs.From(query, result, tcp, remote));
        }
    }

    /// <summary>
    /// True when this query may be forwarded: the client is in <see cref="KubeDnsServerOptions.RecursionAllowedNetworks"/>
    /// and the query sets RD (RFC 1035 §4.1.1; not an open resolver, RFC 5358).
    /// </summary>
    private static bool MayRecurse(ReadOnlySpan<byte> query, bool clientAllowed) => clientAllowed && query.Length > 2 && (query[2] & 0x01) != 0;

    /// <summary>
    /// Asks the forwarder; SERVFAIL when no upstream answers (specification.md §15). REFUSED, without asking, when the query
    /// may not recurse (<see cref="MayRecurse"/>).
    /// </summary>
    private async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        if (!MayRecurse(query.Span, clientAllowed))
        {
            return DnsWire.TryWriteError(query.Span, response.Span, ResponseCode.Refused, _wire).BytesWritten;
        }

        _metrics.Forward();
        int length;
        try
        {
            length = await _options.Forwarder!.ForwardAsync(query, response, transport, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            length = 0;
        }

        return length > 0 ? length : DnsWire.TryWriteError(query.Span, response.Span, ResponseCode.ServerFailure, _wire).BytesWritten;
    }

    /// <summary>
    /// An answer ending in a CNAME to an outside name: resolve the target upstream and append its records
    /// (specification.md §11, §15), keeping the upstream's TTLs and response code. A query that may not recurse gets our
    /// answer as it is: the CNAME, authoritative, with the target not chased.
    /// </summary>
    private async ValueTask<int> CompleteExternalTargetAsync(ClusterSnapshot snapshot, ReadOnlyMemory<byte> query, Memory<byte> response, int length, DnsTransport transport, bool clientAllowed, CancellationToken token)
    {
        if (!MayRecurse(query.Span, clientAllowed))
        {
            return length;
        }

        var (target, type, edns, limit) = Inspect(snapshot, query.Span, transport, _wire);
        if (target is null)
        {
            return length;
        }

        var upstreamQuery = new byte[DnsQuery.MaxNameLength + 32];
        var queryLength = ExternalTarget.WriteQuery(query.Span, target, type, upstreamQuery);
        var reply = new byte[DnsWire.MaxMessageLength];
        int got;
        try
        {
            // Ask as over TCP, so a truncated upstream reply is retried in full; the client's limit applies below.
            got = await _options.Forwarder!.ForwardAsync(upstreamQuery.AsMemory(0, queryLength), reply, DnsTransport.Tcp, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            got = 0;
        }

        _metrics.Forward();
        return got > 0 ? ExternalTarget.Append(response.Span, length, reply.AsSpan(0, got), limit, edns) : length;

        static (string? Target, RecordType Type, bool Edns, int Limit) Inspect(ClusterSnapshot snapshot, ReadOnlySpan<byte> query, DnsTransport transport, in DnsWireOptions wire)
        {
            Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
            if (DnsQuery.TryRead(query, name, out var q) != DnsQueryStatus.Ok || q.Type == RecordType.CNAME)
            {
                return (null, RecordType.None, false, 0);
            }

            var limit = transport == DnsTransport.Tcp ? DnsWire.MaxMessageLength
                : q.HasEdns ? Math.Max(512, Math.Min(q.UdpPayloadSize, wire.MaxUdpPayloadSize)) : 512;
            return (snapshot.Resolve(q.Name, q.Type).ExternalTarget, q.Type, q.HasEdns, limit);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, Running running)
    {
        while (!running.Stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(running.Stop.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            // Over a cap the longest-idle connection makes room; when every candidate is mid-query the newcomer is
            // closed at once rather than queued, so slow or idle clients cannot exhaust the server (RFC 7766 §6.2.3).
            if (socket.RemoteEndPoint is not IPEndPoint remote || running.Connections.Admit(remote.Address, socket) is not { } slot)
            {
                socket.Dispose();
                continue;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => ServeConnectionAsync(socket, slot, running));
        }
    }

    /// <summary>
    /// One TCP connection (RFC 7766): length-prefixed queries answered one after another, so in order. Reads take what
    /// the socket has (a pipelining client sends many queries per segment); every complete query in the buffer is
    /// answered into one output buffer, sent with one write once the buffer holds no complete query, so a pipelined
    /// burst costs a read and a write, not two reads and a write per query (RFC 7766 §6.2.1.1).
    /// </summary>
    private async Task ServeConnectionAsync(Socket socket, TcpConnectionTable.Slot slot, Running running)
    {
        const int Frame = 2 + DnsWire.MaxMessageLength;
        var input = ArrayPool<byte>.Shared.Rent(Frame);
        var output = ArrayPool<byte>.Shared.Rent(2 * Frame);
        var remote = socket.RemoteEndPoint as IPEndPoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(running.Stop.Token);
        var start = 0;
        var end = 0;
        var pending = 0;
        var armed = false;
        var busy = false;
        try
        {
            while (!running.Stop.IsCancellationRequested)
            {
                while (end - start >= 2)
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(start));
                    if (length == 0)
                    {
                        return;
                    }

                    if (end - start < 2 + length)
                    {
                        break;
                    }

                    if (output.Length - pending < Frame)
                    {
                        await TcpFraming.WriteAllAsync(socket, output.AsMemory(0, pending), timeout.Token).ConfigureAwait(false);
                        pending = 0;
                    }

                    if (!busy)
                    {
                        // Mid-query until the answers are written: not a connection to close for a newcomer.
                        slot.Begin();
                        busy = true;
                    }

                    var query = input.AsMemory(start + 2, length);
                    start += 2 + length;
                    var written = await AnswerTcpAsync(query, output.AsMemory(pending + 2, DnsWire.MaxMessageLength), remote, timeout.Token).ConfigureAwait(false);
                    if (written > 0)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(pending), (ushort)written);
                        pending += 2 + written;
                    }
                }

                var answered = pending > 0;
                if (answered)
                {
                    await TcpFraming.WriteAllAsync(socket, output.AsMemory(0, pending), timeout.Token).ConfigureAwait(false);
                    pending = 0;
                }

                if (busy)
                {
                    // Every query read so far is answered: idle again, and from now the first to go at a cap.
                    slot.End();
                    busy = false;
                }

                if (answered)
                {
                    if (!timeout.TryReset())
                    {
                        return;
                    }

                    armed = false;
                }

                if (start > 0)
                {
                    input.AsSpan(start, end - start).CopyTo(input);
                    end -= start;
                    start = 0;
                }

                // The idle timeout runs from the last answer sent and covers waiting for a query and receiving all of
                // it; reads of a query's later parts do not restart it, so half-open and slow clients are closed
                // (RFC 7766 §6.2.3).
                if (!armed)
                {
                    timeout.CancelAfter(_options.TcpIdleTimeout);
                    armed = true;
                }

                var read = await socket.ReceiveAsync(input.AsMemory(end, Frame - end), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                end += read;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, went quiet, or the server is stopping.
        }
        finally
        {
            running.Connections.Remove(slot);
            socket.Dispose();
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Answers one TCP query into <paramref name="output"/>; 0 when nothing is to be sent.</summary>
    private async ValueTask<int> AnswerTcpAsync(ReadOnlyMemory<byte> query, Memory<byte> output, IPEndPoint? remote, CancellationToken token)
    {
        var snapshot = _state.Current;
        var result = DnsWire.TryRespond(snapshot, query.Span, output.Span, DnsTransport.Tcp, _wire);
        Count(result, tcp: true);
        var written = result.BytesWritten;
        if (result.HasExternalTarget && _options.Forwarder is not null)
        {
            written = await CompleteExternalTargetAsync(snapshot, query, output, written, DnsTransport.Tcp, _recursion.Allows(remote?.Address), token).ConfigureAwait(false);
            CountSent(output.Span[..written], tcp: true);
        }
        else if (result.Status == DnsRespondStatus.Forward)
        {
            written = await ForwardAsync(query, output, DnsTransport.Tcp, _recursion.Allows(remote?.Address), token).ConfigureAwait(false);
            written = UpstreamReply.Fit(query.Span, output.Span, written, DnsTransport.Tcp, _wire);
            CountSent(output.Span[..written], tcp: true);
        }
        else if (result.Status != DnsRespondStatus.Respond)
        {
            return 0;
        }

        Raise(query.Span, result, tcp: true, remote);
        return written;
    }

    /// <summary>
    /// One blocking UDP receive loop on its own thread: receive, answer, send, with no allocation per datagram. Batched
    /// (recvmmsg/sendmmsg) where available, else one datagram per system call.
    /// </summary>
    private sealed partial class UdpLoop(KubeDnsServer server, Socket socket, Running running)
    {
        private readonly IPEndPoint _any = new(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);

        public void Run()
        {
            if (running.UdpBatching && RunBatched() == BatchOutcome.Unsupported)
            {
                // The calls failed after the start-up probe (a seccomp profile, say): carry on one datagram at a time.
                running.UdpBatching = false;
            }

            if (!running.UdpBatching)
            {
                RunSingle();
            }
        }

        private void RunSingle()
        {
            var query = new byte[DnsWire.MaxMessageLength];
            var response = new byte[DnsWire.MaxMessageLength];
            var client = new SocketAddress(socket.AddressFamily);
            while (!running.Stop.IsCancellationRequested)
            {
                int received;
                try
                {
                    received = socket.ReceiveFrom(query, SocketFlags.None, client);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    continue;
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                var snapshot = server._state.Current;
                var result = DnsWire.TryRespond(snapshot, query.AsSpan(0, received), response, DnsTransport.Udp, server._wire);
                server.Count(result, tcp: false);
                switch (result.Status)
                {
                    case DnsRespondStatus.Respond when result.HasExternalTarget && server._options.Forwarder is not null:
                        _ = CompleteAsync(snapshot, query.AsSpan(0, received).ToArray(), response.AsSpan(0, result.BytesWritten).ToArray(), Copy(client));
                        break;
                    case DnsRespondStatus.Respond:
                        Send(response.AsSpan(0, result.BytesWritten), client);
                        break;
                    case DnsRespondStatus.Forward:
                        // Off the hot path: copy what the forward needs and let the thread pool wait for the upstream.
                        _ = ForwardAsync(query.AsSpan(0, received).ToArray(), Copy(client));
                        break;
                }

                if (server.QueryAnswered is not null)
                {
                    server.Raise(query.AsSpan(0, received), result, tcp: false, (IPEndPoint)_any.Create(client));
                }
            }
        }

        /// <summary>Sends one answer, unless response rate limiting drops it or slips it (rewritten in place).</summary>
        private void Send(Span<byte> response, SocketAddress client)
        {
            if (running.Limiter is { } limiter)
            {
                response = response[..limiter.Limit(client, response)];
                if (response.IsEmpty)
                {
                    return;
                }
            }

            try
            {
                socket.SendTo(response, SocketFlags.None, client);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                server._metrics.Drop();
            }
        }

        private static SocketAddress Copy(SocketAddress address)
        {
            var copy = new SocketAddress(address.Family, address.Size);
            address.Buffer.CopyTo(copy.Buffer);
            return copy;
        }

        private async Task CompleteAsync(ClusterSnapshot snapshot, byte[] query, byte[] answer, SocketAddress client)
        {
            var response = new byte[DnsWire.MaxMessageLength];
            answer.CopyTo(response, 0);
            var length = await server.CompleteExternalTargetAsync(snapshot, query, response, answer.Length, DnsTransport.Udp, server._recursion.Allows(client), running.Stop.Token).ConfigureAwait(false);
            server.CountSent(response.AsSpan(0, length), tcp: false);
            Send(response.AsSpan(0, length), client);
        }

        private async Task ForwardAsync(byte[] query, SocketAddress client)
        {
            var response = new byte[DnsWire.MaxMessageLength];
            var length = await server.ForwardAsync(query, response, DnsTransport.Udp, server._recursion.Allows(client), running.Stop.Token).ConfigureAwait(false);
            length = UpstreamReply.Fit(query, response, length, DnsTransport.Udp, server._wire);
            if (length > 0)
            {
                server.CountSent(response.AsSpan(0, length), tcp: false);
                Send(response.AsSpan(0, length), client);
            }
        }
    }

    /// <summary>Everything one start created, so a stop releases exactly that.</summary>
    private sealed class Running(TcpConnectionTable connections, ResponseRateLimiter? limiter)
    {
        private bool _udpBatching;

        public CancellationTokenSource Stop { get; } = new();

        /// <summary>Whether the UDP loops batch; a loop that finds the calls failing turns it off for all.</summary>
        public bool UdpBatching
        {
            get => Volatile.Read(ref _udpBatching);
            set => Volatile.Write(ref _udpBatching, value);
        }

        public List<IPEndPoint> Endpoints { get; } = [];

        public List<Socket> UdpSockets { get; } = [];

        public List<Socket> TcpListeners { get; } = [];

        public List<Thread> Threads { get; } = [];

        public List<Task> Tasks { get; } = [];

        public TcpConnectionTable Connections { get; } = connections;

        /// <summary>UDP response rate limiting; null when off. TCP answers are never limited: TCP cannot be spoofed.</summary>
        public ResponseRateLimiter? Limiter { get; } = limiter;

        public int TcpConnections => Connections.Count;

        public void CloseSockets()
        {
            foreach (var socket in UdpSockets)
            {
                socket.Dispose();
            }

            foreach (var socket in TcpListeners)
            {
                socket.Dispose();
            }
        }
    }
}
