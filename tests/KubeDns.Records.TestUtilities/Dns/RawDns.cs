using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubeDns.Records.TestUtilities;

/// <summary>A DNS query built byte by byte, so tests control every header bit, count and option.</summary>
public sealed record RawQuery
{
    public ushort Id { get; init; } = 0x4B1D;

    public string Name { get; init; } = "quote.kiada.svc.cluster.local";

    /// <summary>The QNAME in wire form; when set it replaces <see cref="Name"/> (for labels a dotted string cannot express).</summary>
    public byte[]? WireName { get; init; }

    public ushort Type { get; init; } = 1;

    public ushort Class { get; init; } = 1;

    public int Opcode { get; init; }

    public bool IsResponse { get; init; }

    public bool RecursionDesired { get; init; } = true;

    /// <summary>The EDNS UDP payload size; null sends no OPT record.</summary>
    public ushort? EdnsPayload { get; init; }

    public byte EdnsVersion { get; init; }

    public bool DnssecOk { get; init; }

    /// <summary>Pads the OPT record with an EDNS padding option (RFC 7830) until the whole query has this many bytes.</summary>
    public int PadTo { get; init; }

    public byte[] ToBytes()
    {
        var name = WireName ?? RawDns.EncodeName(Name);
        var buffer = new List<byte>(512);
        buffer.AddRange(RawDns.Header(Id, flags: Flags(), qdcount: 1, arcount: (ushort)(EdnsPayload is null ? 0 : 1)));
        buffer.AddRange(name);
        buffer.AddRange(RawDns.BigEndian16(Type));
        buffer.AddRange(RawDns.BigEndian16(Class));
        if (EdnsPayload is { } payload)
        {
            const int OptFixed = 11;
            var padding = PadTo > 0 ? Math.Max(0, PadTo - buffer.Count - OptFixed - 4) : -1;
            buffer.Add(0); // root owner
            buffer.AddRange(RawDns.BigEndian16(41));
            buffer.AddRange(RawDns.BigEndian16(payload));
            buffer.Add(0); // extended rcode
            buffer.Add(EdnsVersion);
            buffer.AddRange(RawDns.BigEndian16((ushort)(DnssecOk ? 0x8000 : 0)));
            if (padding >= 0)
            {
                buffer.AddRange(RawDns.BigEndian16((ushort)(4 + padding)));
                buffer.AddRange(RawDns.BigEndian16(12));
                buffer.AddRange(RawDns.BigEndian16((ushort)padding));
                buffer.AddRange(new byte[padding]);
            }
            else
            {
                buffer.AddRange(RawDns.BigEndian16(0));
            }
        }

        return [.. buffer];
    }

    private ushort Flags() =>
        (ushort)((IsResponse ? 0x8000 : 0) | ((Opcode & 0xF) << 11) | (RecursionDesired ? 0x0100 : 0));
}

/// <summary>The parts of a raw response the tests assert on, read without any DNS library.</summary>
public sealed class RawResponse
{
    public RawResponse(byte[] bytes)
    {
        Bytes = bytes;
        if (bytes.Length < 12)
        {
            throw new FormatException($"A {bytes.Length}-byte reply is shorter than a DNS header.");
        }

        Id = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2));
        IsResponse = (flags & 0x8000) != 0;
        Opcode = (flags >> 11) & 0xF;
        IsAuthoritative = (flags & 0x0400) != 0;
        IsTruncated = (flags & 0x0200) != 0;
        RecursionDesired = (flags & 0x0100) != 0;
        RecursionAvailable = (flags & 0x0080) != 0;
        HeaderRcode = flags & 0xF;
        QdCount = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4));
        AnCount = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6));
        NsCount = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(8));
        ArCount = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(10));

        var offset = 12;
        for (var i = 0; i < QdCount; i++)
        {
            var start = offset;
            RawDns.SkipName(bytes, ref offset);
            offset += 4;
            QuestionBytes = bytes[start..offset];
        }

        for (var i = 0; i < AnCount + NsCount + ArCount; i++)
        {
            RawDns.SkipName(bytes, ref offset);
            var type = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset));
            var rdlength = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset + 8));
            if (type == 1 && rdlength == 4 && i < AnCount)
            {
                AnswerAddresses.Add(new IPAddress(bytes.AsSpan(offset + 10, 4)));
            }

            if (type == 41)
            {
                HasOpt = true;
                OptPayload = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset + 2));
                OptExtendedRcode = bytes[offset + 4];
                OptVersion = bytes[offset + 5];
                OptDnssecOk = (bytes[offset + 6] & 0x80) != 0;
            }

            offset += 10 + rdlength;
        }

        if (offset != bytes.Length)
        {
            throw new FormatException($"The reply has {bytes.Length - offset} bytes after its last record.");
        }
    }

    public byte[] Bytes { get; }

    public ushort Id { get; }

    public bool IsResponse { get; }

    public int Opcode { get; }

    public bool IsAuthoritative { get; }

    public bool IsTruncated { get; }

    public bool RecursionDesired { get; }

    public bool RecursionAvailable { get; }

    /// <summary>The 4-bit RCODE of the header.</summary>
    public int HeaderRcode { get; }

    /// <summary>The full response code: the OPT record's extended bits above the header's four (RFC 6891 §6.1.3).</summary>
    public int Rcode => (OptExtendedRcode << 4) | HeaderRcode;

    public int QdCount { get; }

    public int AnCount { get; }

    public int NsCount { get; }

    public int ArCount { get; }

    /// <summary>The last question's bytes (name, type, class) as sent back.</summary>
    public byte[] QuestionBytes { get; } = [];

    /// <summary>The addresses of the A records in the answer section, in order.</summary>
    public List<IPAddress> AnswerAddresses { get; } = [];

    public bool HasOpt { get; }

    public ushort OptPayload { get; }

    public byte OptExtendedRcode { get; }

    public byte OptVersion { get; }

    public bool OptDnssecOk { get; }
}

/// <summary>Wire-format helpers and bounded UDP/TCP exchanges over 127.0.0.1.</summary>
public static class RawDns
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(3);

    public static byte[] Header(ushort id, ushort flags, ushort qdcount, ushort ancount = 0, ushort nscount = 0, ushort arcount = 0)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), qdcount);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), ancount);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), nscount);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), arcount);
        return header;
    }

    public static byte[] BigEndian16(ushort value) => [(byte)(value >> 8), (byte)value];

    public static byte[] EncodeName(string name)
    {
        var result = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            result.Add((byte)bytes.Length);
            result.AddRange(bytes);
        }

        result.Add(0);
        return [.. result];
    }

    /// <summary>A question (name, type IN) as bytes.</summary>
    public static byte[] Question(string name, ushort type = 1, ushort @class = 1) => [.. EncodeName(name), .. BigEndian16(type), .. BigEndian16(@class)];

    public static void SkipName(byte[] message, ref int offset)
    {
        while (true)
        {
            var length = message[offset];
            if (length == 0)
            {
                offset++;
                return;
            }

            if ((length & 0xC0) == 0xC0)
            {
                offset += 2;
                return;
            }

            offset += length + 1;
        }
    }

    /// <summary>Sends one datagram (from <paramref name="source"/> when given) and waits for the reply with the same ID (other datagrams are skipped).</summary>
    public static async Task<RawResponse> ExchangeUdpAsync(IPEndPoint server, byte[] query, IPAddress? source = null)
    {
        using var client = source is null ? new UdpClient(AddressFamily.InterNetwork) : new UdpClient(new IPEndPoint(source, 0));
        client.Connect(server);
        await client.SendAsync(query);
        var id = BinaryPrimitives.ReadUInt16BigEndian(query);
        var reply = await ReceiveUdpAsync(client, id, ReplyTimeout)
            ?? throw new TimeoutException($"No UDP reply with ID {id} from {server} within {ReplyTimeout.TotalSeconds} s.");
        return new RawResponse(reply);
    }

    /// <summary>Receives datagrams until one carries <paramref name="id"/>; null when none does within the timeout.</summary>
    public static async Task<byte[]?> ReceiveUdpAsync(UdpClient client, ushort id, TimeSpan timeout, List<byte[]>? others = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var result = await client.ReceiveAsync(cts.Token);
                if (result.Buffer.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(result.Buffer) == id)
                {
                    return result.Buffer;
                }

                others?.Add(result.Buffer);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            // ICMP port unreachable: nobody listens.
            return null;
        }
    }

    /// <summary>Every datagram that arrives within <paramref name="window"/>.</summary>
    public static async Task<List<byte[]>> DrainUdpAsync(UdpClient client, TimeSpan window)
    {
        var received = new List<byte[]>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true)
            {
                received.Add((await client.ReceiveAsync(cts.Token)).Buffer);
            }
        }
        catch (OperationCanceledException)
        {
            return received;
        }
    }

    public static byte[] Frame(byte[] message) => [.. BigEndian16((ushort)message.Length), .. message];

    /// <summary>Reads one length-prefixed message; null when the peer closed the connection first.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken token)
    {
        var prefix = new byte[2];
        if (!await ReadExactlyAsync(stream, prefix, token))
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        return await ReadExactlyAsync(stream, message, token) ? message : null;
    }

    /// <summary>Sends one query over a new TCP connection (from <paramref name="source"/> when given) and reads its reply.</summary>
    public static async Task<RawResponse> ExchangeTcpAsync(IPEndPoint server, byte[] query, IPAddress? source = null)
    {
        using var cts = new CancellationTokenSource(ReplyTimeout);
        using var client = source is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(source, 0));
        await client.ConnectAsync(server, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Frame(query), cts.Token);
        var reply = await ReadFrameAsync(stream, cts.Token)
            ?? throw new IOException($"{server} closed the TCP connection without a reply.");
        return new RawResponse(reply);
    }

    /// <summary>True when the peer closes the connection (a read returns 0 or the connection is reset) within the timeout.</summary>
    public static async Task<bool> SeesCloseAsync(Stream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[512];
        try
        {
            while (true)
            {
                if (await stream.ReadAsync(buffer, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken token)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer.AsMemory(read), token);
            }
            catch (IOException)
            {
                return false;
            }

            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
