using System.Buffers.Binary;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>
/// Makes a forwarded reply fit the client (specification.md §15): over UDP it must not exceed min(client's EDNS size,
/// ours), or 512 without EDNS; a larger reply, or one the upstream truncated, becomes TC with an empty answer
/// (whole RRsets only), and the OPT the client sees carries our payload size, not the upstream's.
/// </summary>
internal static class UpstreamReply
{
    public static int Fit(ReadOnlySpan<byte> query, Span<byte> reply, int length, DnsTransport transport, in DnsWireOptions options)
    {
        if (length <= 0)
        {
            return length;
        }

        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        if (DnsQuery.TryRead(query, name, out var q) != DnsQueryStatus.Ok)
        {
            return length;
        }

        var limit = DnsWire.ResponseLimit(transport, q.HasEdns, q.UdpPayloadSize, options.MaxUdpPayloadSize);
        // A reply the upstream itself truncated may end inside an RRset: send TC with no answer instead.
        if (length > limit || (reply[2] & 0x02) != 0)
        {
            var code = (ResponseCode)(reply[3] & 0xF);
            var truncated = DnsWire.TryWriteError(query, reply, code, options);
            if (truncated.Status != DnsRespondStatus.Respond)
            {
                return 0;
            }

            reply[2] |= 0x02;
            return truncated.BytesWritten;
        }

        PatchOptPayload(reply[..length], (ushort)options.MaxUdpPayloadSize);
        return length;
    }

    /// <summary>Rewrites the CLASS (UDP payload size) of the OPT record, if any (RFC 6891 §6.1.2).</summary>
    private static void PatchOptPayload(Span<byte> message, ushort payload)
    {
        if (message.Length < 12)
        {
            return;
        }

        var counts = 0;
        for (var i = 4; i < 12; i += 2)
        {
            counts += BinaryPrimitives.ReadUInt16BigEndian(message[i..]);
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var offset = 12;
        for (var i = 0; i < counts; i++)
        {
            if (!SkipName(message, ref offset) || offset + (i < questions ? 4 : 10) > message.Length)
            {
                return;
            }

            if (i < questions)
            {
                offset += 4;
                continue;
            }

            if (BinaryPrimitives.ReadUInt16BigEndian(message[offset..]) == (ushort)RecordType.OPT)
            {
                BinaryPrimitives.WriteUInt16BigEndian(message[(offset + 2)..], payload);
            }

            offset += 10 + BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        }
    }

    private static bool SkipName(ReadOnlySpan<byte> message, ref int offset)
    {
        while (offset < message.Length)
        {
            var length = message[offset];
            if (length == 0)
            {
                offset++;
                return true;
            }

            if ((length & 0xC0) == 0xC0)
            {
                offset += 2;
                return offset <= message.Length;
            }

            offset += length + 1;
        }

        return false;
    }
}
