using System.Buffers;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <content>UDP: the receive loop, one datagram per system call, and what every UDP loop shares (sending through RRL, forwarding off the loop).</content>
public sealed partial class KubeDnsServer
{
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

                var result = DnsWire.TryRespond(server._state.Current, query.AsSpan(0, received), response, DnsTransport.Udp, server._wire);
                server.Count(result, tcp: false);
                switch (result.Status)
                {
                    case DnsRespondStatus.Respond or DnsRespondStatus.Forward when server.NeedsUpstream(result):
                        Defer(query.AsSpan(0, received), response.AsSpan(0, result.BytesWritten), result, Copy(client));
                        break;
                    case DnsRespondStatus.Respond:
                        Send(response.AsSpan(0, result.BytesWritten), client);
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

        /// <summary>
        /// Hands an answer that needs the upstream to the thread pool (off the hot path): the loop reuses its buffers at
        /// once, so the query and our answer so far are copied into buffers rented for the time the upstream takes.
        /// <paramref name="client"/> is a copy the caller made, not the address the loop reuses.
        /// </summary>
        private void Defer(ReadOnlySpan<byte> query, ReadOnlySpan<byte> answer, DnsRespondResult result, SocketAddress client)
        {
            var queryCopy = ArrayPool<byte>.Shared.Rent(query.Length);
            query.CopyTo(queryCopy);
            var response = ArrayPool<byte>.Shared.Rent(DnsWire.MaxMessageLength);
            answer.CopyTo(response);
            _ = CompleteAsync(queryCopy, query.Length, response, result, client);
        }

        private async Task CompleteAsync(byte[] query, int queryLength, byte[] response, DnsRespondResult result, SocketAddress client)
        {
            try
            {
                var length = await server.CompleteAsync(query.AsMemory(0, queryLength), response.AsMemory(0, DnsWire.MaxMessageLength), result, DnsTransport.Udp, server._recursion.Allows(client), running.Stop.Token).ConfigureAwait(false);
                if (length > 0)
                {
                    Send(response.AsSpan(0, length), client);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(query);
                ArrayPool<byte>.Shared.Return(response);
            }
        }
    }
}
