using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Servers.Tests;

/// <summary>What a <see cref="HostileUpstream"/> sends first, before the genuine reply.</summary>
public enum HostileReply
{
    /// <summary>Only the genuine reply.</summary>
    None,

    /// <summary>The query's ID, but the question <c>evil.example.net A</c> and its answer 6.6.6.6 (RFC 5452 §9.1).</summary>
    WrongQuestion,

    /// <summary>The right question with the answer 6.6.6.6, but the ID plus one.</summary>
    WrongId,

    /// <summary>A reply that would be accepted, answer 6.6.6.6, but sent from another port of the upstream's address.</summary>
    OtherPort,

    /// <summary>
    /// No forged reply: the genuine reply with its question in lower case, as some resolvers send it (the same
    /// question under RFC 4343).
    /// </summary>
    LowerCaseQuestion,
}

/// <summary>
/// An upstream on 127.0.0.1 (UDP only) that answers A queries byte by byte: first, when so configured, a forged reply
/// carrying 6.6.6.6, then after <see cref="GenuineDelay"/> the genuine reply <c>&lt;name&gt; 300 IN A 192.0.2.1</c>. It
/// keeps every query it receives, so tests can see what the server sent upstream.
/// </summary>
internal sealed class HostileUpstream : IAsyncDisposable
{
    /// <summary>How long after the forged reply the genuine one follows: the server must still be waiting for it.</summary>
    public static readonly TimeSpan GenuineDelay = TimeSpan.FromMilliseconds(100);

    private readonly Socket _socket;
    private readonly Socket _other;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private HostileUpstream(HostileReply hostile, bool genuine)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(() => RunAsync(hostile, genuine));
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Every query received, with the client's source endpoint, in arrival order.</summary>
    public ConcurrentQueue<(byte[] Query, IPEndPoint From)> Received { get; } = new();

    /// <summary>Starts an upstream that sends <paramref name="hostile"/> first and, when <paramref name="genuine"/>, the real reply after.</summary>
    public static HostileUpstream Start(HostileReply hostile = HostileReply.None, bool genuine = true) => new(hostile, genuine);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        _other.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    /// <summary>A reply to <paramref name="query"/>: its ID and flags with QR and RA, the given question, one A record.</summary>
    public static byte[] Reply(byte[] query, ushort id, byte[] question, byte[] address)
    {
        var reply = new List<byte>();
        reply.AddRange(RawDns.Header(id, (ushort)(0x8080 | (BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(2)) & 0x0110)), qdcount: 1, ancount: 1));
        reply.AddRange(question);
        reply.AddRange([0xC0, 12]);
        reply.AddRange(RawDns.BigEndian16(1));
        reply.AddRange(RawDns.BigEndian16(1));
        reply.AddRange([0, 0, 1, 44]);
        reply.AddRange(RawDns.BigEndian16(4));
        reply.AddRange(address);
        return [.. reply];
    }

    /// <summary>The question section (name, type, class) of a query with one question.</summary>
    public static byte[] QuestionOf(byte[] query)
    {
        var offset = 12;
        RawDns.SkipName(query, ref offset);
        return query[12..(offset + 4)];
    }

    private async Task RunAsync(HostileReply hostile, bool genuine)
    {
        var buffer = new byte[ushort.MaxValue];
        var token = _stop.Token;
        byte[] evil = [6, 6, 6, 6];
        byte[] good = [192, 0, 2, 1];
        while (!token.IsCancellationRequested)
        {
            var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), token);
            var query = buffer[..received.ReceivedBytes];
            var from = (IPEndPoint)received.RemoteEndPoint;
            Received.Enqueue((query, from));
            if (query.Length < 12)
            {
                continue;
            }

            var id = BinaryPrimitives.ReadUInt16BigEndian(query);
            var question = QuestionOf(query);
            switch (hostile)
            {
                case HostileReply.WrongQuestion:
                    await _socket.SendToAsync(Reply(query, id, RawDns.Question("evil.example.net"), evil), SocketFlags.None, from, token);
                    break;
                case HostileReply.WrongId:
                    await _socket.SendToAsync(Reply(query, (ushort)(id + 1), question, evil), SocketFlags.None, from, token);
                    break;
                case HostileReply.OtherPort:
                    await _other.SendToAsync(Reply(query, id, question, evil), SocketFlags.None, from, token);
                    break;
            }

            if (genuine)
            {
                if (hostile is not HostileReply.None and not HostileReply.LowerCaseQuestion)
                {
                    await Task.Delay(GenuineDelay, token);
                }

                var echoed = hostile == HostileReply.LowerCaseQuestion ? [.. question.Select(b => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b)] : question;
                await _socket.SendToAsync(Reply(query, id, echoed, good), SocketFlags.None, from, token);
            }
        }
    }
}
