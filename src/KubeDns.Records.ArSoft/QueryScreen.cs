using System.Buffers.Binary;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// A bounds-checked walk over a received message before ARSoft parses it. ARSoft sends nothing for a query it
/// cannot parse (no FORMERR) and would answer a response; specification.md §15 asks for FORMERR when the header is
/// readable, and silence for responses and fragments shorter than a header.
/// </summary>
internal static class QueryScreen
{
    public const int HeaderLength = 12;
    private const int MaxPointerHops = 16;

    public enum Verdict
    {
        /// <summary>Well formed as far as the walk can tell: hand it to the server.</summary>
        Parse,

        /// <summary>Not worth an answer: shorter than a header, or a response (QR = 1).</summary>
        Drop,

        /// <summary>A readable header over a malformed body: answer FORMERR.</summary>
        FormatError,
    }

    /// <summary>Judges one message.</summary>
    public static Verdict Screen(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength || (message[2] & 0x80) != 0)
        {
            return Verdict.Drop;
        }

        var counts = 0;
        for (var i = 4; i < HeaderLength; i += 2)
        {
            counts += BinaryPrimitives.ReadUInt16BigEndian(message[i..]);
        }

        var qdcount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var firstAdditional = counts - BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        var opts = 0;
        var offset = HeaderLength;
        for (var i = 0; i < counts; i++)
        {
            if (!SkipName(message, ref offset))
            {
                return Verdict.FormatError;
            }

            // A question has TYPE and CLASS; a resource record adds TTL, RDLENGTH and RDATA (RFC 1035 §4.1.2–4.1.3).
            var fixedLength = i < qdcount ? 4 : 10;
            if (offset + fixedLength > message.Length)
            {
                return Verdict.FormatError;
            }

            if (i >= qdcount)
            {
                // At most one OPT, and only in the additional section (RFC 6891 §6.1.1).
                if (BinaryPrimitives.ReadUInt16BigEndian(message[offset..]) == 41 && (++opts > 1 || i < firstAdditional))
                {
                    return Verdict.FormatError;
                }

                offset += 10 + BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
                if (offset > message.Length)
                {
                    return Verdict.FormatError;
                }
            }
            else
            {
                offset += fixedLength;
            }
        }

        return offset == message.Length ? Verdict.Parse : Verdict.FormatError;
    }

    /// <summary>A FORMERR reply to a message with a readable header: ID, opcode and RD copied, no sections (RFC 1035 §4.1.1).</summary>
    public static byte[] FormatError(ReadOnlySpan<byte> query)
    {
        var reply = new byte[HeaderLength];
        reply[0] = query[0];
        reply[1] = query[1];
        reply[2] = (byte)(0x80 | (query[2] & 0x79)); // QR, opcode, RD
        reply[3] = 1; // FORMERR
        return reply;
    }

    /// <summary>Skips a possibly compressed name (RFC 1035 §4.1.4), checking label and name lengths and pointer loops.</summary>
    private static bool SkipName(ReadOnlySpan<byte> message, ref int offset)
    {
        var position = offset;
        var jumped = false;
        var hops = 0;
        var nameLength = 1;
        while (true)
        {
            if (position >= message.Length)
            {
                return false;
            }

            var length = message[position];
            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                return true;
            }

            switch (length & 0xC0)
            {
                case 0xC0:
                    if (position + 1 >= message.Length || ++hops > MaxPointerHops)
                    {
                        return false;
                    }

                    if (!jumped)
                    {
                        offset = position + 2;
                        jumped = true;
                    }

                    var target = ((length & 0x3F) << 8) | message[position + 1];
                    if (target >= position)
                    {
                        // Pointers must point backwards; anything else can loop.
                        return false;
                    }

                    position = target;
                    break;
                case 0:
                    nameLength += length + 1;
                    if (nameLength > 255)
                    {
                        return false;
                    }

                    position += length + 1;
                    break;
                default:
                    // 0x40 and 0x80 label types are not in use (RFC 6891 §5).
                    return false;
            }
        }
    }
}
