using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KubeDns.Records.Wire;
using static KubeDns.Records.Server.LinuxDatagrams;

namespace KubeDns.Records.Server;

/// <content>The batched UDP loop: recvmmsg and sendmmsg (Linux), many datagrams per system call.</content>
public sealed partial class KubeDnsServer
{
    private enum BatchOutcome
    {
        /// <summary>The server is stopping or the socket is closed.</summary>
        Stopped,

        /// <summary>The calls are not available: use the one-datagram loop.</summary>
        Unsupported,
    }

    private sealed partial class UdpLoop
    {
        /// <summary>Room for the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6).</summary>
        private const int QuerySlot = 1 << 16;

        /// <summary>The error <see cref="Receive"/> reports once the socket is disposed (not an errno).</summary>
        private const int Closed = -1;

        /// <summary>
        /// Receives up to UdpBatchSize datagrams per recvmmsg (blocking for the first, MSG_WAITFORONE, then taking what
        /// is queued), answers each into its own response slot, and sends every answer with one sendmmsg. Buffers and
        /// message vectors are allocated once, in native memory: pages of the 64 KiB query slots that no datagram
        /// reaches are never touched, so they cost address space, not memory. The socket's receive timeout (500 ms)
        /// bounds each wait, so a stop is noticed even where closing the socket does not wake the call.
        /// </summary>
        private unsafe BatchOutcome RunBatched()
        {
            var batch = server._options.UdpBatchSize;
            var responseSlot = server._options.MaxUdpPayloadSize;
            var received = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)batch, (nuint)sizeof(MMsgHdr));
            var outgoing = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)batch, (nuint)sizeof(MMsgHdr));
            var receivedIov = (IoVec*)NativeMemory.AllocZeroed((nuint)batch, (nuint)sizeof(IoVec));
            var outgoingIov = (IoVec*)NativeMemory.AllocZeroed((nuint)batch, (nuint)sizeof(IoVec));
            var addresses = (byte*)NativeMemory.AllocZeroed((nuint)batch, AddressSize);
            var queries = (byte*)NativeMemory.Alloc((nuint)batch, QuerySlot);
            var responses = (byte*)NativeMemory.Alloc((nuint)batch, (nuint)responseSlot);
            var results = new DnsRespondResult[batch];
            try
            {
                for (var i = 0; i < batch; i++)
                {
                    receivedIov[i].Base = (nint)(queries + ((nint)i * QuerySlot));
                    receivedIov[i].Length = QuerySlot;
                    received[i].Header.Iov = &receivedIov[i];
                    received[i].Header.IovLength = 1;
                    received[i].Header.Name = (nint)(addresses + ((nint)i * AddressSize));
                }

                while (!running.Stop.IsCancellationRequested)
                {
                    for (var i = 0; i < batch; i++)
                    {
                        // The kernel writes each address's real length here; give every slot the full room again.
                        received[i].Header.NameLength = AddressSize;
                    }

                    var count = Receive(received, batch, out var errno);
                    if (count < 0)
                    {
                        switch (errno)
                        {
                            case EINTR or EAGAIN:
                                // A signal, or the receive timeout passing with nothing to read: look at the stop flag.
                                continue;
                            case ENOSYS:
                                return BatchOutcome.Unsupported;
                            case EBADF or ENOTSOCK or EINVAL or Closed:
                                return BatchOutcome.Stopped;
                            default:
                                // A transient error reported on the socket (ENOMEM, an ICMP error …), as the one-datagram loop skips.
                                continue;
                        }
                    }

                    if (running.Stop.IsCancellationRequested)
                    {
                        return BatchOutcome.Stopped;
                    }

                    var sending = 0;
                    for (var i = 0; i < count; i++)
                    {
                        var query = new ReadOnlySpan<byte>(queries + ((nint)i * QuerySlot), (int)Math.Min(received[i].Length, QuerySlot));
                        var response = new Span<byte>(responses + ((nint)i * responseSlot), responseSlot);
                        var result = DnsWire.TryRespond(server._state.Current, query, response, DnsTransport.Udp, server._wire);
                        results[i] = result;
                        server.Count(result, tcp: false);
                        switch (result.Status)
                        {
                            case DnsRespondStatus.Respond or DnsRespondStatus.Forward when server.NeedsUpstream(result):
                                Defer(query, response[..result.BytesWritten], result, ClientAddress(received, i));
                                break;
                            case DnsRespondStatus.Respond:
                                var length = running.Limiter is { } limiter
                                    ? limiter.Limit(new ReadOnlySpan<byte>((void*)received[i].Header.Name, (int)Math.Min(received[i].Header.NameLength, AddressSize)), socket.AddressFamily, response[..result.BytesWritten])
                                    : result.BytesWritten;
                                if (length == 0)
                                {
                                    // Over the response rate limit and not slipping: nothing to send.
                                    break;
                                }

                                outgoingIov[sending].Base = (nint)(responses + ((nint)i * responseSlot));
                                outgoingIov[sending].Length = (nuint)length;
                                outgoing[sending].Header.Iov = &outgoingIov[sending];
                                outgoing[sending].Header.IovLength = 1;
                                outgoing[sending].Header.Name = received[i].Header.Name;
                                outgoing[sending].Header.NameLength = received[i].Header.NameLength;
                                sending++;
                                break;
                        }
                    }

                    if (!SendAll(outgoing, sending))
                    {
                        return BatchOutcome.Stopped;
                    }

                    if (server.QueryAnswered is not null)
                    {
                        for (var i = 0; i < count; i++)
                        {
                            var query = new ReadOnlySpan<byte>(queries + ((nint)i * QuerySlot), (int)Math.Min(received[i].Length, QuerySlot));
                            server.Raise(query, results[i], tcp: false, (IPEndPoint)_any.Create(ClientAddress(received, i)));
                        }
                    }
                }

                return BatchOutcome.Stopped;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return BatchOutcome.Unsupported;
            }
            finally
            {
                NativeMemory.Free(received);
                NativeMemory.Free(outgoing);
                NativeMemory.Free(receivedIov);
                NativeMemory.Free(outgoingIov);
                NativeMemory.Free(addresses);
                NativeMemory.Free(queries);
                NativeMemory.Free(responses);
            }
        }

        /// <summary>
        /// One recvmmsg; -1 with <paramref name="errno"/> <see cref="Closed"/> once the socket is disposed. The handle is referenced for the
        /// call, so a concurrent close cannot hand its descriptor number to another socket meanwhile.
        /// </summary>
        private unsafe int Receive(MMsgHdr* messages, int count, out int errno)
        {
            var handle = socket.SafeHandle;
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                var result = ReceiveMessages((int)handle.DangerousGetHandle(), messages, (uint)count, MsgWaitForOne, null);
                errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
                return result;
            }
            catch (ObjectDisposedException)
            {
                errno = Closed;
                return -1;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>
        /// Sends <paramref name="count"/> answers, with more calls when the kernel takes only part of the vector (it
        /// stops at the first datagram that fails). A datagram that fails on its own is skipped and counted as dropped,
        /// as the one-datagram loop does; false once the socket is closed.
        /// </summary>
        private unsafe bool SendAll(MMsgHdr* messages, int count)
        {
            var offset = 0;
            while (offset < count)
            {
                var handle = socket.SafeHandle;
                var added = false;
                int sent;
                int errno;
                try
                {
                    handle.DangerousAddRef(ref added);
                    sent = SendMessages((int)handle.DangerousGetHandle(), messages + offset, (uint)(count - offset), 0);
                    errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                catch (ObjectDisposedException)
                {
                    sent = -1;
                    errno = EBADF;
                }
                finally
                {
                    if (added)
                    {
                        handle.DangerousRelease();
                    }
                }

                if (sent > 0)
                {
                    offset += sent;
                }
                else if (errno == EINTR)
                {
                    continue;
                }
                else if (errno is EBADF or ENOTSOCK)
                {
                    for (; offset < count; offset++)
                    {
                        server._metrics.Drop();
                    }

                    return false;
                }
                else
                {
                    server._metrics.Drop();
                    offset++;
                }
            }

            return true;
        }

        /// <summary>
        /// The sender of datagram <paramref name="index"/> as a <see cref="SocketAddress"/>, for the paths that leave the
        /// loop (forwarding) or describe the query (the event): both allocate anyway. Linux socket addresses are the
        /// native bytes SocketAddress holds.
        /// </summary>
        private unsafe SocketAddress ClientAddress(MMsgHdr* messages, int index)
        {
            var length = (int)Math.Min(messages[index].Header.NameLength, AddressSize);
            var address = new SocketAddress(socket.AddressFamily, length);
            new ReadOnlySpan<byte>((void*)messages[index].Header.Name, length).CopyTo(address.Buffer.Span);
            return address;
        }
    }
}
