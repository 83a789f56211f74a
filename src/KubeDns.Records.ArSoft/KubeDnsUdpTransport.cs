using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.Diagnostics;
using KubeDns.Records.Serving;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// UDP for ARSoft's server on a socket we bind ourselves, so that port 0 can be reported and the socket is
/// ours to close. Unlike ARSoft's own transport it reads whole datagrams up to 64 KiB (queries larger than 512
/// bytes, such as EDNS-padded ones, are answered) and screens each one before ARSoft parses it (FORMERR for a
/// readable but malformed query, nothing for responses and runts, which count as dropped). Each datagram keeps its
/// bytes (<see cref="ReceivedQuery"/>): the handler reads the question from them and its reply carries them back.
/// Every reply it sends passes the response rate limiter first, when there is one.
/// </summary>
internal sealed class KubeDnsUdpTransport(Socket socket, Action<bool, IPEndPoint?>? formatError = null, DnsServerMetrics? metrics = null, ResponseRateLimiter? limiter = null) : IServerTransport
{
    private readonly byte[] _buffer = new byte[ushort.MaxValue];
    private readonly IPEndPoint _local = (IPEndPoint)socket.LocalEndPoint!;
    private readonly IPEndPoint _any = socket.AddressFamily == AddressFamily.InterNetwork
        ? new IPEndPoint(IPAddress.Any, 0)
        : new IPEndPoint(IPAddress.IPv6Any, 0);

    /// <summary>512 bytes without EDNS (RFC 1035 §4.2.1); ARSoft raises it to the response's EDNS size.</summary>
    public ushort DefaultAllowedResponseSize => ArSoftServerOptions.MinUdpPayloadSize;

    public bool SupportsMultipleResponses => false;

    public bool AllowTruncatedResponses => true;

    public TransportProtocol TransportProtocol => TransportProtocol.Udp;

    /// <summary>The socket is bound before the server starts (<see cref="ArSoftServer.StartAsync"/>).</summary>
    public void Bind()
    {
    }

    public void Close() => socket.Close();

    public void Dispose() => socket.Dispose();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        // ARSoft calls this serially, so one receive buffer serves every datagram.
        while (!token.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(_buffer, SocketFlags.None, _any, token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // A transient error for one datagram (for example an ICMP error reported on the socket).
                continue;
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
            {
                return null;
            }

            var message = _buffer.AsSpan(0, received.ReceivedBytes);
            var remote = (IPEndPoint)received.RemoteEndPoint;
            switch (QueryScreen.Screen(message))
            {
                case QueryScreen.Verdict.Drop:
                    metrics?.Drop();
                    continue;
                case QueryScreen.Verdict.FormatError:
                    await SendFormatErrorAsync(QueryScreen.FormatError(message), remote, token).ConfigureAwait(false);
                    formatError?.Invoke(false, remote);
                    continue;
            }

            var package = new byte[received.ReceivedBytes + DnsRawPackage.LENGTH_HEADER_LENGTH];
            BinaryPrimitives.WriteUInt16BigEndian(package, (ushort)received.ReceivedBytes);
            message.CopyTo(package.AsSpan(DnsRawPackage.LENGTH_HEADER_LENGTH));
            var query = new ReceivedQuery(remote, package.AsMemory(DnsRawPackage.LENGTH_HEADER_LENGTH));
            return new Connection(this, new DnsReceivedRawPackage(package, remote, _local), query);
        }

        return null;
    }

    private async Task SendFormatErrorAsync(byte[] reply, IPEndPoint remote, CancellationToken token)
    {
        var length = Limit(remote, reply);
        if (length == 0)
        {
            return;
        }

        try
        {
            await socket.SendToAsync(reply.AsMemory(0, length), SocketFlags.None, remote, token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone or the server is stopping; nothing to answer.
        }
    }

    /// <summary>One datagram: read once, answered once, with the client's question bytes (<see cref="ReceivedQuery"/>).</summary>
    private sealed class Connection(KubeDnsUdpTransport transport, DnsReceivedRawPackage package, ReceivedQuery query) : IServerConnection
    {
        public IServerTransport Transport => transport;

        /// <summary>ARSoft passes this to the handler as the query's remote endpoint.</summary>
        public IPEndPoint RemoteEndPoint => query;

        public IPEndPoint LocalEndPoint => package.LocalEndpoint;

        /// <summary>Nothing to negotiate on plain UDP or TCP (TLS transports shake hands here).</summary>
        public Task<bool> InitializeAsync(CancellationToken token = default) => Task.FromResult(true);

        public bool CanRead { get; private set; } = true;

        public Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token = default)
        {
            CanRead = false;
            return Task.FromResult<DnsReceivedRawPackage?>(package);
        }

        public async Task<bool> SendAsync(DnsRawPackage response, CancellationToken token = default)
        {
            var datagram = response.ToArraySegment(false);
            query.RestoreQuestion(datagram);
            var length = transport.Limit(query.Client, datagram);
            if (length == 0)
            {
                // Suppressed by the response rate limit: nothing is sent, by design.
                return true;
            }

            try
            {
                var sent = await transport.SendSocket.SendToAsync(datagram[..length], SocketFlags.None, query.Client, token).ConfigureAwait(false);
                return sent == length;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                transport.Metrics?.Drop();
                return false;
            }
        }

        public void Dispose()
        {
        }
    }

    private Socket SendSocket => socket;

    /// <summary>The length of <paramref name="reply"/> to send to <paramref name="remote"/> after response rate limiting (0: none).</summary>
    private int Limit(IPEndPoint remote, Span<byte> reply) => limiter?.Limit(remote.Address, reply) ?? reply.Length;

    private DnsServerMetrics? Metrics => metrics;
}
