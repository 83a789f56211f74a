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
}
