using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KubeDns.Records.Serving;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <content>
/// TCP (RFC 7766): the accept loop, admission by the connection table, and pipelined queries answered in order, each
/// message preceded by its two-byte length (RFC 1035 §4.2.2, RFC 7766 §8).
/// </content>
public sealed partial class KubeDnsServer
{
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
                        await WriteAllAsync(socket, output.AsMemory(0, pending), timeout.Token).ConfigureAwait(false);
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
                    await WriteAllAsync(socket, output.AsMemory(0, pending), timeout.Token).ConfigureAwait(false);
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
        var result = DnsWire.TryRespond(_state.Current, query.Span, output.Span, DnsTransport.Tcp, _wire);
        Count(result, tcp: true);
        var written = result.BytesWritten;
        if (NeedsUpstream(result))
        {
            written = await CompleteAsync(query, output, result, DnsTransport.Tcp, _recursion.Allows(remote?.Address), token).ConfigureAwait(false);
        }
        else if (result.Status != DnsRespondStatus.Respond)
        {
            return 0;
        }

        Raise(query.Span, result, tcp: true, remote);
        return written;
    }

    /// <summary>Writes all of <paramref name="data"/>: a send may take only part of it.</summary>
    private static async ValueTask WriteAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data[sent..], SocketFlags.None, token).ConfigureAwait(false);
        }
    }
}
