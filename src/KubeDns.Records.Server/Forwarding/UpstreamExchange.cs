using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Forwarding;

/// <summary>
/// Asks upstream resolvers, in order, with the defences of RFC 5452 (the sockets; what a message says is the wire
/// layer's to read):
/// <list type="bullet">
/// <item>every upstream query gets a fresh ID from a cryptographic generator (§9.2), and the client's ID is written
/// back into the reply it gets;</item>
/// <item>every upstream query leaves from a socket of its own, bound to an ephemeral port the kernel picks at random
/// (§10; Linux draws UDP ephemeral ports at random from its local port range). A socket per query rather than a pool:
/// no socket is shared between queries in flight, so a reply can only match the query its socket sent, and there is
/// no pool state to guess or exhaust; the cost, a socket per forward, is paid off the hot path;</item>
/// <item>the socket is connected, so the kernel delivers only datagrams from the upstream's address and port;</item>
/// <item>a reply counts only when it is a response carrying the query's ID and its one question: the same name,
/// compared case-insensitively (RFC 4343), type and class (§9.1), as <see cref="DnsWire.IsReplyTo"/> decides. Anything
/// else is ignored and the wait goes on until the timeout.</item>
/// </list>
/// </summary>
internal static class UpstreamExchange
{
    /// <summary>Forwards <paramref name="query"/> to each upstream in turn until one answers.</summary>
    /// <param name="upstreams">The upstream resolvers, tried in order.</param>
    /// <param name="timeout">How long to wait for each upstream.</param>
    /// <param name="query">The query, with one question; its ID is replaced on the wire.</param>
    /// <param name="reply">Where the reply is written (65,535 bytes).</param>
    /// <param name="fullReply">Retry over TCP when the UDP reply is truncated.</param>
    /// <param name="cancellationToken">Cancels the forward.</param>
    /// <returns>The reply's length, with the query's own ID; 0 when no upstream answered.</returns>
    public static async Task<int> ForwardAsync(IReadOnlyList<IPEndPoint> upstreams, TimeSpan timeout, ReadOnlyMemory<byte> query, Memory<byte> reply, bool fullReply, CancellationToken cancellationToken)
    {
        if (new DnsMessageReader(query.Span).QuestionCount != 1)
        {
            // No reply could match a query without exactly one question (DnsWire.IsReplyTo).
            return 0;
        }

        // The query with its TCP length prefix (RFC 1035 §4.2.2) in a rented buffer: its ID is rewritten for every
        // attempt, and the same bytes go over UDP (without the prefix) and TCP.
        var frame = ArrayPool<byte>.Shared.Rent(2 + query.Length);
        try
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)query.Length);
            query.Span.CopyTo(frame.AsSpan(2));
            return await ExchangeAsync(upstreams, timeout, query, frame.AsMemory(0, 2 + query.Length), reply, fullReply, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private static async Task<int> ExchangeAsync(IReadOnlyList<IPEndPoint> upstreams, TimeSpan timeout, ReadOnlyMemory<byte> query, Memory<byte> frame, Memory<byte> reply, bool fullReply, CancellationToken cancellationToken)
    {
        var outgoing = frame[2..];
        var clientId = BinaryPrimitives.ReadUInt16BigEndian(query.Span);
        foreach (var upstream in upstreams)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                var length = await UdpAsync(upstream, outgoing, reply, deadline.Token).ConfigureAwait(false);
                // TC, the second-lowest bit of the third header byte (RFC 1035 §4.1.1): ask again over TCP for all of it.
                if (fullReply && (reply.Span[2] & 0x02) != 0)
                {
                    length = await TcpAsync(upstream, frame, reply, deadline.Token).ConfigureAwait(false);
                }

                if (length > 0)
                {
                    // The upstream saw a random ID; the caller gets its own back. Its question bytes are the relay's
                    // to restore (DnsWire.TryRelayReply), which the reply matched case-insensitively (DnsWire.IsReplyTo).
                    BinaryPrimitives.WriteUInt16BigEndian(reply.Span, clientId);
                    return length;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // This upstream is down or slow, or sent nothing that matched: try the next one.
            }
        }

        return 0;
    }

    private static void NewId(Span<byte> query) => BinaryPrimitives.WriteUInt16BigEndian(query, (ushort)RandomNumberGenerator.GetInt32(0x10000));

    private static async Task<int> UdpAsync(IPEndPoint upstream, Memory<byte> query, Memory<byte> reply, CancellationToken token)
    {
        NewId(query.Span);
        using var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(upstream, token).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, token).ConfigureAwait(false);
        while (true)
        {
            var length = await socket.ReceiveAsync(reply, SocketFlags.None, token).ConfigureAwait(false);
            if (DnsWire.IsReplyTo(reply.Span[..length], query.Span))
            {
                return length;
            }
        }
    }

    /// <summary>Asks over TCP: <paramref name="frame"/> is the query after its two-byte length (RFC 7766 §8).</summary>
    private static async Task<int> TcpAsync(IPEndPoint upstream, Memory<byte> frame, Memory<byte> reply, CancellationToken token)
    {
        var query = frame[2..];
        NewId(query.Span);
        using var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(upstream, token).ConfigureAwait(false);
        await socket.SendAsync(frame, SocketFlags.None, token).ConfigureAwait(false);
        // The reply's length prefix is read into the reply buffer's first two bytes, then overwritten by the reply.
        var prefix = reply[..2];
        while (await ReadExactlyAsync(socket, prefix, token).ConfigureAwait(false))
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(prefix.Span);
            if (!await ReadExactlyAsync(socket, reply[..length], token).ConfigureAwait(false))
            {
                break;
            }

            if (DnsWire.IsReplyTo(reply.Span[..length], query.Span))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>Fills <paramref name="buffer"/> from a TCP stream (RFC 7766 §8 framing); false when the peer closed first.</summary>
    private static async ValueTask<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
