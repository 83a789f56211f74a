using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Serving;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// TCP for ARSoft's server (RFC 7766) on a listener we bind ourselves. Compared with ARSoft's own transport it
/// tracks its connections, so stopping closes them and a client that closes is released at once (ARSoft leaves
/// such sockets in CLOSE_WAIT until a GC); caps connections, globally and per client address, closing the longest-idle
/// one to make room (<see cref="TcpConnectionTable"/>); drops idle and half-open ones after an idle timeout; serializes
/// writes so pipelined answers never interleave; and answers FORMERR for malformed queries.
/// </summary>
internal sealed class KubeDnsTcpTransport(Socket listener, TimeSpan idleTimeout, TcpConnectionTable connections, Action<bool, IPEndPoint?>? formatError = null, DnsServerMetrics? metrics = null) : IServerTransport
{
    /// <summary>TCP never truncates (behaviour.md §15); a larger answer becomes SERVFAIL in ARSoft.</summary>
    public ushort DefaultAllowedResponseSize => ushort.MaxValue;

    public bool SupportsMultipleResponses => false;

    public bool AllowTruncatedResponses => false;

    public TransportProtocol TransportProtocol => TransportProtocol.Tcp;

    public void Bind()
    {
    }

    public void Close()
    {
        listener.Close();
        connections.CloseAll();
    }

    public void Dispose() => Close();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
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
                return null;
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
            return connection;
        }

        return null;
    }

    private sealed class Connection : IServerConnection
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

        public IPEndPoint RemoteEndPoint => _remote;

        public IPEndPoint LocalEndPoint => _local;

        /// <summary>Nothing to negotiate on plain UDP or TCP (TLS transports shake hands here).</summary>
        public Task<bool> InitializeAsync(CancellationToken token = default) => Task.FromResult(true);

        public bool CanRead => Volatile.Read(ref _disposed) == 0;

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

        public async Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token = default)
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
                            Dispose();
                            return null;
                        }

                        _transport.FormatError?.Invoke(true, _remote);
                        continue;
                }

                // Mid-query until the answer is sent: not a connection to close for a newcomer.
                _slot?.Begin();
                return new DnsReceivedRawPackage(package, _remote, _local);
            }

            // The client closed, went idle, or the server is stopping: release the socket now.
            Dispose();
            return null;
        }

        public async Task<bool> SendAsync(DnsRawPackage package, CancellationToken token = default)
        {
            var sent = await WriteAsync(package.ToArraySegment(true), token).ConfigureAwait(false);
            _slot?.End();
            return sent;
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

        private async Task<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken token)
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
