using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>
/// Forwards to upstream resolvers in order: over UDP, retrying over TCP when the reply is truncated and the client
/// asked over TCP (a UDP client gets the truncated reply and retries itself, as with any server).
/// </summary>
public sealed class UdpDnsForwarder : IDnsForwarder
{
    private readonly IPEndPoint[] _upstreams;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a forwarder.</summary>
    /// <param name="upstreams">The upstream resolvers, tried in order.</param>
    /// <param name="timeout">How long to wait for each upstream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="upstreams"/> is null.</exception>
    /// <exception cref="ArgumentException">No upstream is given, or one has port 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public UdpDnsForwarder(IEnumerable<IPEndPoint> upstreams, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(upstreams);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _upstreams = [.. upstreams];
        if (_upstreams.Length == 0 || Array.Exists(_upstreams, u => u is null || u.Port == 0))
        {
            throw new ArgumentException("At least one upstream, each with an address and a port, is required.", nameof(upstreams));
        }

        _timeout = timeout;
    }

    /// <inheritdoc/>
    public async ValueTask<int> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, DnsTransport transport, CancellationToken cancellationToken)
    {
        foreach (var upstream in _upstreams)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            try
            {
                var length = await UdpAsync(upstream, query, response, timeout.Token).ConfigureAwait(false);
                if (length > 0 && transport == DnsTransport.Tcp && (response.Span[2] & 0x02) != 0)
                {
                    length = await TcpAsync(upstream, query, response, timeout.Token).ConfigureAwait(false);
                }

                if (length > 0)
                {
                    return length;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // This upstream is down or slow: try the next one.
            }
        }

        return 0;
    }

    private static async Task<int> UdpAsync(IPEndPoint upstream, ReadOnlyMemory<byte> query, Memory<byte> response, CancellationToken token)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(upstream, token).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, token).ConfigureAwait(false);
        while (true)
        {
            var length = await socket.ReceiveAsync(response, SocketFlags.None, token).ConfigureAwait(false);

            // Only the reply to this query (same ID) counts (RFC 5452 §9.1).
            if (length >= 12 && response.Span[0] == query.Span[0] && response.Span[1] == query.Span[1])
            {
                return length;
            }
        }
    }

    private static async Task<int> TcpAsync(IPEndPoint upstream, ReadOnlyMemory<byte> query, Memory<byte> response, CancellationToken token)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(upstream, token).ConfigureAwait(false);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)query.Length);
        await socket.SendAsync(prefix, SocketFlags.None, token).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, token).ConfigureAwait(false);
        if (!await TcpFraming.ReadExactlyAsync(socket, prefix, token).ConfigureAwait(false))
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        return await TcpFraming.ReadExactlyAsync(socket, response[..length], token).ConfigureAwait(false) ? length : 0;
    }
}
