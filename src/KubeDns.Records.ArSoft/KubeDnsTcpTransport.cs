using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Serving;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// TCP for ARSoft's server (RFC 7766) on a listener we bind ourselves. Compared with ARSoft's own transport it
/// tracks its connections, so stopping closes them and a client that closes is released at once (ARSoft leaves
/// such sockets in CLOSE_WAIT until a GC); caps connections, globally and per client address, closing the longest-idle
/// one to make room (<see cref="TcpConnectionTable"/>); drops idle and half-open ones after an idle timeout; serializes
/// writes so pipelined answers never interleave; and answers FORMERR for malformed queries. It reads each connection
/// itself and hands ARSoft every message as a connection of its own (<see cref="Message"/>), as the UDP transport
/// does with datagrams: pipelined queries are still answered concurrently (RFC 7766 §6.2.1.1), and each answer is
/// tied to the bytes of its query (<see cref="ReceivedQuery"/>), which ARSoft's per-connection model cannot do.
/// </summary>
internal sealed class KubeDnsTcpTransport(Socket listener, TimeSpan idleTimeout, TcpConnectionTable connections, Action<bool, IPEndPoint?>? formatError = null, DnsServerMetrics? metrics = null) : IServerTransport
{
    /// <summary>Messages read but not yet taken by ARSoft; a full queue makes the readers wait.</summary>
    private const int QueuedMessages = 256;

    private readonly Channel<Message> _messages = Channel.CreateBounded<Message>(new BoundedChannelOptions(QueuedMessages) { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private int _closed;

    /// <summary>TCP never truncates (specification.md §15); a larger answer becomes SERVFAIL in ARSoft.</summary>
    public ushort DefaultAllowedResponseSize => ushort.MaxValue;

    public bool SupportsMultipleResponses => false;

    public bool AllowTruncatedResponses => false;

    public TransportProtocol TransportProtocol => TransportProtocol.Tcp;

    /// <summary>The listener is bound before the server starts (<see cref="ArSoftServer.StartAsync"/>); ARSoft's start calls this, and accepting begins.</summary>
    public void Bind() => _ = AcceptLoopAsync(_stopping.Token);

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _messages.Writer.TryComplete();
        listener.Close();
        connections.CloseAll();
    }

    public void Dispose()
    {
        Close();
        _stopping.Dispose();
    }

    /// <summary>The next message of any connection; null once the transport is closed.</summary>
    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        try
        {
            return await _messages.Reader.ReadAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            // ARSoft's accept loop calls again until its token is cancelled (it cancels before it closes us).
            await WaitAsync(token).ConfigureAwait(false);
            return null;
        }
    }

    private static async Task WaitAsync(CancellationToken token)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task AcceptLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(token).ConfigureAwait(false);
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
            if (socket.RemoteEndPoint is not IPEndPoint remote)
            {
                socket.Dispose();
                continue;
            }

            var connection = new Connection(this, socket, remote);
            if (!connection.Admit())
            {
                continue;
            }

            socket.NoDelay = true;
            _ = connection.ReadLoopAsync(token);
        }
    }

    /// <summary>One query of a connection, for ARSoft: read once, answered once on the connection it came from.</summary>
    private sealed class Message(Connection connection, DnsReceivedRawPackage package, ReceivedQuery query) : IServerConnection
    {
        private int _read;
        private int _done;

        public IServerTransport Transport => connection.Transport;

        /// <summary>ARSoft passes this to the handler as the query's remote endpoint.</summary>
        public IPEndPoint RemoteEndPoint => query;

        public IPEndPoint LocalEndPoint => package.LocalEndpoint;

        public bool CanRead => Volatile.Read(ref _read) == 0;

        /// <summary>Nothing to negotiate on plain UDP or TCP (TLS transports shake hands here).</summary>
        public Task<bool> InitializeAsync(CancellationToken token = default) => Task.FromResult(true);

        public Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token = default) =>
            Task.FromResult(Interlocked.Exchange(ref _read, 1) == 0 ? package : null);

        public async Task<bool> SendAsync(DnsRawPackage response, CancellationToken token = default)
        {
            var framed = response.ToArraySegment(true);
            query.RestoreQuestion(framed.AsSpan(DnsRawPackage.LENGTH_HEADER_LENGTH));
            var sent = await connection.WriteAsync(framed, token).ConfigureAwait(false);
            Finish();
            return sent;
        }

        /// <summary>ARSoft disposes a message once it is answered, or when it could not parse it and sends nothing.</summary>
        public void Dispose() => Finish();

        private void Finish()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                connection.EndQuery();
            }
        }
    }

    /// <summary>One client connection: read by <see cref="ReadLoopAsync"/>, written by the answers of its messages.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly KubeDnsTcpTransport _transport;
        private readonly Socket _socket;
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly IPEndPoint _remote;
        private readonly IPEndPoint _local;
        private TcpConnectionTable.Slot? _slot;
        private int _disposed;

        public Connection(KubeDnsTcpTransport transport, Socket socket, IPEndPoint remote)
        {
            _transport = transport;
            _socket = socket;
            _remote = remote;
            _local = (IPEndPoint)socket.LocalEndPoint!;
        }

        public IServerTransport Transport => _transport;

        private bool CanRead => Volatile.Read(ref _disposed) == 0;

        /// <summary>Takes a place in the table (perhaps an idle connection's); false, and closed, when refused.</summary>
        public bool Admit()
        {
            _slot = _transport.Connections.Admit(_remote.Address, this);
            if (_slot is null)
            {
                Dispose();
                return false;
            }

            return true;
        }

        /// <summary>Hands every query of the connection to ARSoft, until the client closes, goes idle or the server stops.</summary>
        public async Task ReadLoopAsync(CancellationToken token)
        {
            try
            {
                while (await ReceiveAsync(token).ConfigureAwait(false) is { } message)
                {
                    try
                    {
                        await _transport._messages.Writer.WriteAsync(message, token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
                    {
                        message.Dispose();
                        break;
                    }
                }
            }
            finally
            {
                // Whatever ended the loop (a closed client included), the socket and its place go now.
                Dispose();
            }
        }

        /// <summary>A query has been answered or abandoned: the connection is idle again when none is left.</summary>
        public void EndQuery() => _slot?.End();

        private async Task<Message?> ReceiveAsync(CancellationToken token)
        {
            var lengthPrefix = new byte[2];
            while (CanRead)
            {
                // The idle timeout runs from the end of the previous message, so half-open and silent clients go away.
                if (!await ReadExactlyAsync(lengthPrefix, token).ConfigureAwait(false))
                {
                    break;
                }

                var length = BinaryPrimitives.ReadUInt16BigEndian(lengthPrefix);
                var package = new byte[length + DnsRawPackage.LENGTH_HEADER_LENGTH];
                lengthPrefix.CopyTo(package, 0);
                if (length == 0 || !await ReadExactlyAsync(package.AsMemory(DnsRawPackage.LENGTH_HEADER_LENGTH), token).ConfigureAwait(false))
                {
                    break;
                }

                var message = package.AsSpan(DnsRawPackage.LENGTH_HEADER_LENGTH);
                switch (QueryScreen.Screen(message))
                {
                    case QueryScreen.Verdict.Drop:
                        _transport.Metrics?.Drop();
                        continue;
                    case QueryScreen.Verdict.FormatError:
                        var reply = QueryScreen.FormatError(message);
                        var framed = new byte[reply.Length + 2];
                        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                        reply.CopyTo(framed, 2);
                        if (!await WriteAsync(framed, token).ConfigureAwait(false))
                        {
                            return null;
                        }

                        _transport.FormatError?.Invoke(true, _remote);
                        continue;
                }

                // Mid-query until the answer is sent: not a connection to close for a newcomer.
                _slot?.Begin();
                var query = new ReceivedQuery(_remote, package.AsMemory(DnsRawPackage.LENGTH_HEADER_LENGTH));
                return new Message(this, new DnsReceivedRawPackage(package, _remote, _local), query);
            }

            // The client closed, went idle, or the server is stopping: the caller releases the socket now.
            return null;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                if (_slot is not null)
                {
                    _transport.Connections.Remove(_slot);
                }

                _socket.Dispose();
            }
        }

        private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken token)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(_transport.IdleTimeout);
            try
            {
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = await _socket.ReceiveAsync(buffer[read..], SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return false;
                    }

                    read += n;
                }

                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return false;
            }
        }

        public async Task<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken token)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(_transport.IdleTimeout);
            try
            {
                // Several answers of one connection may be ready at once; a frame must never interleave with another.
                await _writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    var sent = 0;
                    while (sent < data.Length)
                    {
                        sent += await _socket.SendAsync(data[sent..], SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    }

                    return true;
                }
                finally
                {
                    _writeLock.Release();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return false;
            }
        }
    }

    private TimeSpan IdleTimeout => idleTimeout;

    private TcpConnectionTable Connections => connections;

    private Action<bool, IPEndPoint?>? FormatError => formatError;

    private DnsServerMetrics? Metrics => metrics;
}
