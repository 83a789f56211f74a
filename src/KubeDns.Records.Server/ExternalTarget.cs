using System.Buffers.Binary;
using KubeDns.Records.Wire;

namespace KubeDns.Records.Server;

/// <summary>
/// Completes an answer that ends in a CNAME to a name outside the cluster zones (specification.md §11, §15): asks the
/// upstream for the target and appends its answer records after our CNAMEs, with the upstream's TTLs and response
/// code. The upstream's names may be compressed against its own message, so they are written out in full.
/// </summary>
internal static class ExternalTarget
{
    private const int HeaderLength = 12;
    private const int OptLength = 11;

    /// <summary>Builds the query for the target: same type, class IN, RD, EDNS with a large payload.</summary>
    public static int WriteQuery(ReadOnlySpan<byte> clientQuery, string target, RecordType type, Span<byte> destination)
    {
        destination[..HeaderLength].Clear();
        destination[0] = clientQuery[0];
        destination[1] = clientQuery[1];
        destination[2] = 0x01;
        destination[5] = 1;
        destination[11] = 1;
        var at = HeaderLength;
        foreach (var label in target.TrimEnd('.').Split('.'))
        {
            destination[at++] = (byte)label.Length;
            foreach (var c in label)
            {
                destination[at++] = (byte)c;
            }
        }

        destination[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 2)..], 1);
        at += 4;
        destination[at..(at + OptLength)].Clear();
        destination[at + 2] = 41;
        BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 3)..], 4096);
        return at + OptLength;
    }

    /// <summary>
    /// Appends the upstream's answer records to our response (header, question, our CNAMEs, maybe OPT) and returns
    /// the new length; the response stays ours when the upstream's reply cannot be read. Over UDP, appended records
    /// that do not fit the client's size are left out and TC is set.
    /// </summary>
    public static int Append(Span<byte> response, int length, ReadOnlySpan<byte> upstream, int limit, bool clientEdns)
    {
        if (upstream.Length < HeaderLength || !TryEndOfAnswers(response[..length], out var answersEnd))
        {
            return length;
        }

        Span<byte> opt = stackalloc byte[OptLength];
        if (clientEdns && length - answersEnd >= OptLength)
        {
            // Our response has no authority or other additional records here: the OPT is its last record.
            response.Slice(length - OptLength, OptLength).CopyTo(opt);
        }

        var answers = BinaryPrimitives.ReadUInt16BigEndian(response[6..]);
        var at = answersEnd;
        var end = Math.Min(response.Length, limit) - (clientEdns ? OptLength : 0);
        var upstreamAnswers = BinaryPrimitives.ReadUInt16BigEndian(upstream[6..]);
        var offset = HeaderLength;
        var truncated = false;
        for (var i = 0; i < BinaryPrimitives.ReadUInt16BigEndian(upstream[4..]); i++)
        {
            if (!SkipName(upstream, ref offset))
            {
                return length;
            }

            offset += 4;
        }

        // RRsets are kept whole (RFC 2181 §9): a record that does not fit takes the rest of its RRset with it.
        int rrsetAt = at, rrsetAnswers = answers, previousAt = -1;
        for (var i = 0; i < upstreamAnswers; i++)
        {
            var written = CopyRecord(upstream, ref offset, response[at..end]);
            if (written < 0)
            {
                truncated = written == -2;
                if (truncated)
                {
                    at = rrsetAt;
                    answers = (ushort)rrsetAnswers;
                }

                break;
            }

            if (previousAt < 0 || !SameRRset(response, previousAt, at))
            {
                rrsetAt = at;
                rrsetAnswers = answers;
            }

            previousAt = at;
            at += written;
            answers++;
        }

        BinaryPrimitives.WriteUInt16BigEndian(response[6..], answers);
        BinaryPrimitives.WriteUInt16BigEndian(response[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(response[10..], (ushort)(clientEdns ? 1 : 0));
        response[3] = (byte)((response[3] & 0xF0) | (upstream[3] & 0x0F));
        if (truncated || (upstream[2] & 0x02) != 0)
        {
            response[2] |= 0x02;
        }

        if (clientEdns)
        {
            opt.CopyTo(response[at..]);
            at += OptLength;
        }

        return at;
    }

    /// <summary>True when two records written out in full (uncompressed owners) share owner and type.</summary>
    private static bool SameRRset(ReadOnlySpan<byte> message, int first, int second)
    {
        int a = first, b = second;
        while (true)
        {
            int la = message[a], lb = message[b];
            if (la != lb || !System.Text.Ascii.EqualsIgnoreCase(message.Slice(a + 1, la), message.Slice(b + 1, lb)))
            {
                return false;
            }

            a += la + 1;
            b += lb + 1;
            if (la == 0)
            {
                return message[a] == message[b] && message[a + 1] == message[b + 1] && message[a] * 256 + message[a + 1] != 5;
            }
        }
    }

    /// <summary>Copies one resource record with every name decompressed; -1 unreadable, -2 no room.</summary>
    private static int CopyRecord(ReadOnlySpan<byte> message, ref int offset, Span<byte> destination)
    {
        var at = 0;
        if (!CopyName(message, ref offset, destination, ref at) || offset + 10 > message.Length)
        {
            return at < 0 ? -2 : -1;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        var rdataStart = offset + 10;
        if (rdataStart + rdLength > message.Length)
        {
            return -1;
        }

        if (at + 10 > destination.Length)
        {
            return -2;
        }

        message.Slice(offset, 8).CopyTo(destination[at..]);
        var lengthAt = at + 8;
        at += 10;
        var rdata = rdataStart;
        var fixedBefore = type switch { 15 => 2, 33 => 6, _ => 0 };
        var names = type switch { 2 or 5 or 12 or 15 or 33 => 1, 6 => 2, _ => -1 };
        if (names < 0)
        {
            if (at + rdLength > destination.Length)
            {
                return -2;
            }

            message.Slice(rdataStart, rdLength).CopyTo(destination[at..]);
            at += rdLength;
        }
        else
        {
            if (at + fixedBefore > destination.Length)
            {
                return -2;
            }

            message.Slice(rdata, fixedBefore).CopyTo(destination[at..]);
            at += fixedBefore;
            rdata += fixedBefore;
            for (var n = 0; n < names; n++)
            {
                if (!CopyName(message, ref rdata, destination, ref at))
                {
                    return at < 0 ? -2 : -1;
                }
            }

            var rest = rdataStart + rdLength - rdata;
            if (rest < 0 || at + rest > destination.Length)
            {
                return rest < 0 ? -1 : -2;
            }

            message.Slice(rdata, rest).CopyTo(destination[at..]);
            at += rest;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[lengthAt..], (ushort)(at - lengthAt - 2));
        offset = rdataStart + rdLength;
        return at;
    }

    /// <summary>Writes a possibly compressed name in full; on no room sets <paramref name="at"/> to -1.</summary>
    private static bool CopyName(ReadOnlySpan<byte> message, ref int offset, Span<byte> destination, ref int at)
    {
        var position = offset;
        var jumped = false;
        for (var hops = 0; hops < 32 && position < message.Length;)
        {
            int length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length)
                {
                    return false;
                }

                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }

                position = ((length & 0x3F) << 8) | message[position + 1];
                hops++;
                continue;
            }

            if (at + length + 1 > destination.Length)
            {
                at = -1;
                return false;
            }

            if (position + length + 1 > message.Length)
            {
                return false;
            }

            message.Slice(position, length + 1).CopyTo(destination[at..]);
            at += length + 1;
            position += length + 1;
            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position;
                }

                return true;
            }
        }

        return false;
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

    /// <summary>Where our answer section ends: after the header, the question and ANCOUNT records.</summary>
    private static bool TryEndOfAnswers(ReadOnlySpan<byte> message, out int end)
    {
        end = HeaderLength;
        if (!SkipName(message, ref end))
        {
            return false;
        }

        end += 4;
        for (var i = 0; i < BinaryPrimitives.ReadUInt16BigEndian(message[6..]); i++)
        {
            if (!SkipName(message, ref end) || end + 10 > message.Length)
            {
                return false;
            }

            end += 10 + BinaryPrimitives.ReadUInt16BigEndian(message[(end + 8)..]);
        }

        return end <= message.Length;
    }
}
