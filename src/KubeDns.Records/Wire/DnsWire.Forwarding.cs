using System.Buffers.Binary;
using System.Text;

namespace KubeDns.Records.Wire;

/// <summary>
/// What a host with upstream resolvers does with their replies (specification.md §15.5), decided here once for every
/// server: which reply answers a query, how a reply is relayed to the client and fitted to its limit, the query for
/// an outside CNAME target and how the target's answer is appended after our CNAMEs. Like the rest of the class,
/// none of it throws for any input or allocates.
/// </summary>
public static partial class DnsWire
{
    /// <summary>
    /// The payload size a query for an outside CNAME target advertises: large, because the reply is only read here
    /// and then fitted to the client's limit (<see cref="TryAppendTargetAnswer"/>).
    /// </summary>
    private const ushort TargetQueryPayloadSize = 4096;

    /// <summary>
    /// True when <paramref name="reply"/> answers <paramref name="query"/> (RFC 5452 §9.1): QR set, the same ID,
    /// and one question with the same name (letters compared case-insensitively, RFC 4343), type and class.
    /// </summary>
    /// <param name="reply">The message that arrived.</param>
    /// <param name="query">The query sent, with one question.</param>
    /// <returns>False for anything else, which the host ignores and goes on waiting.</returns>
    public static bool IsReplyTo(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> query) =>
        query.Length >= HeaderLength && reply.Length >= HeaderLength && (reply[2] & (ResponseFlag >> 8)) != 0
        && reply[0] == query[0] && reply[1] == query[1] && SameQuestion(reply, query);

    /// <summary>
    /// Relays an upstream's reply to a forwarded query (specification.md §15.5): the client's ID and its question
    /// bytes are written back, so it sees its own letter case; the OPT record carries our payload size. Over UDP a
    /// reply larger than the client's limit (<see cref="ResponseLimit"/>), or one the upstream truncated, becomes TC
    /// with the question alone. A reply that does not answer the query's question becomes SERVFAIL.
    /// </summary>
    /// <param name="query">The client's query.</param>
    /// <param name="reply">The upstream's reply; it may be the same memory as <paramref name="destination"/>.</param>
    /// <param name="destination">Where the relayed reply is written.</param>
    /// <param name="transport">The transport the client's query arrived on.</param>
    /// <param name="options">Our payload size and RA.</param>
    /// <returns>What to send; <see cref="DnsRespondStatus.Drop"/> when the client's query is not one.</returns>
    public static DnsRespondResult TryRelayReply(ReadOnlySpan<byte> query, ReadOnlySpan<byte> reply, Span<byte> destination, DnsTransport transport, in DnsWireOptions options)
    {
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        if (DnsQuery.TryRead(query, name, out var q) != DnsQueryStatus.Ok)
        {
            return new DnsRespondResult(DnsRespondStatus.Drop, ResponseCode.NoError, 0, false, 0, 0);
        }

        var limit = Math.Min(ResponseLimit(transport, q.HasEdns, q.UdpPayloadSize, options.MaxUdpPayloadSize), Math.Min(destination.Length, MaxMessageLength));
        var writer = new DnsMessageWriter(destination, limit - (q.HasEdns ? OptRecordLength : 0));
        if (reply.Length < HeaderLength || (reply[2] & (ResponseFlag >> 8)) == 0 || !SameQuestion(reply, query))
        {
            return Refuse(ref writer, q, destination, ResponseCode.ServerFailure, options, limit);
        }

        var code = (ResponseCode)(reply[3] & 0xF);
        if (reply.Length > limit || (reply[2] & (TruncatedFlag >> 8)) != 0)
        {
            // A reply the upstream truncated may end inside an RRset: TC with no records instead (RFC 2181 §9).
            var refused = Refuse(ref writer, q, destination, code, options, limit);
            if (refused.Status != DnsRespondStatus.Respond)
            {
                return refused;
            }

            destination[2] |= TruncatedFlag >> 8;
            return refused with { Truncated = true };
        }

        reply.CopyTo(destination);
        var relayed = destination[..reply.Length];
        BinaryPrimitives.WriteUInt16BigEndian(relayed, q.Id);
        q.QuestionBytes.CopyTo(relayed[HeaderLength..]);
        SetOptPayload(relayed, (ushort)options.MaxUdpPayloadSize);
        return new DnsRespondResult(DnsRespondStatus.Respond, code, reply.Length, false, limit, 0);
    }

    /// <summary>
    /// Writes the query for an outside CNAME target (specification.md §11, §15.5) from our response alone: the
    /// target name at <see cref="DnsRespondResult.ExternalTargetOffset"/>, the question's type, class IN, RD and EDNS.
    /// The ID is the response's; a forwarder replaces it with a random one (RFC 5452 §9.2).
    /// </summary>
    /// <param name="response">Our response, as <see cref="TryRespond"/> wrote it.</param>
    /// <param name="result">What <see cref="TryRespond"/> returned for it.</param>
    /// <param name="destination">Where the query is written; 300 bytes hold any.</param>
    /// <param name="bytesWritten">The query's length; 0 when none was written.</param>
    /// <returns>False when the result has no outside target, the response is not readable, or the query does not fit.</returns>
    public static bool TryWriteTargetQuery(ReadOnlySpan<byte> response, in DnsRespondResult result, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!result.HasExternalTarget || (uint)result.BytesWritten > (uint)response.Length)
        {
            return false;
        }

        var message = response[..result.BytesWritten];
        var question = new DnsMessageReader(message);
        Span<byte> target = stackalloc byte[DnsQuery.MaxNameLength];
        var targetReader = new DnsMessageReader(message, result.ExternalTargetOffset);
        if (!question.TrySkipName() || !question.TryReadTypeAndClass(out var type, out _) || !targetReader.TryCopyName(target, out var targetLength))
        {
            return false;
        }

        var fields = new DnsQueryFields
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(message),
            RecursionDesired = true,
            Type = type,
            HasEdns = true,
            UdpPayloadSize = TargetQueryPayloadSize,
        };
        return TryWriteQueryWithWireName(fields, target[..targetLength], destination, out bytesWritten);
    }

    /// <summary>
    /// Appends the answer records of the upstream's reply for an outside CNAME target after our CNAMEs
    /// (specification.md §15.5), with the upstream's TTLs and response code and every name written out in full
    /// (the upstream's compression points into its own message). Records that do not fit the client's limit
    /// (<see cref="DnsRespondResult.ResponseLimit"/>) are left out whole RRset by whole RRset and TC is set; TC is set
    /// too when the upstream's reply had it. Our OPT record stays last; any other authority or additional records go.
    /// </summary>
    /// <param name="response">Our response, as <see cref="TryRespond"/> wrote it, in a buffer of at least the limit.</param>
    /// <param name="result">What <see cref="TryRespond"/> returned for it.</param>
    /// <param name="upstreamReply">The upstream's reply to <see cref="TryWriteTargetQuery"/>'s query.</param>
    /// <returns>The completed response's result; <paramref name="result"/> itself, the response untouched, when there is nothing to append or the reply is not readable.</returns>
    public static DnsRespondResult TryAppendTargetAnswer(Span<byte> response, in DnsRespondResult result, ReadOnlySpan<byte> upstreamReply)
    {
        if (result.Status != DnsRespondStatus.Respond || !result.HasExternalTarget || (uint)result.BytesWritten > (uint)response.Length
            || result.BytesWritten < HeaderLength || upstreamReply.Length < HeaderLength)
        {
            return result;
        }

        var ours = new DnsMessageReader(response[..result.BytesWritten]);
        var upstream = new DnsMessageReader(upstreamReply);
        if (!TrySkipQuestions(ref ours) || !TrySkipRecords(ref ours, ours.AnswerCount) || !TrySkipQuestions(ref upstream))
        {
            return result;
        }

        var answersEnd = ours.Position;
        var answers = ours.AnswerCount;
        Span<byte> opt = stackalloc byte[OptRecordLength];
        var hasOpt = TryFindOpt(ref ours, opt);
        var end = Math.Min(response.Length, result.ResponseLimit) - (hasOpt ? OptRecordLength : 0);
        var at = answersEnd;
        var truncated = false;

        // RRsets are kept whole (RFC 2181 §9): a record that does not fit takes the rest of its RRset with it.
        int rrsetAt = at, rrsetAnswers = answers, previousAt = -1;
        var previousType = RecordType.None;
        for (var i = 0; i < upstream.AnswerCount && at <= end; i++)
        {
            var copied = TryCopyRecord(ref upstream, response[at..end], out var written, out var type);
            if (copied != CopyOutcome.Copied)
            {
                truncated = copied == CopyOutcome.NoRoom;
                if (truncated)
                {
                    at = rrsetAt;
                    answers = rrsetAnswers;
                }

                break;
            }

            if (previousAt < 0 || type != previousType || type == RecordType.CNAME || !SameOwner(response, previousAt, at))
            {
                rrsetAt = at;
                rrsetAnswers = answers;
            }

            previousAt = at;
            previousType = type;
            at += written;
            answers++;
        }

        var code = (ResponseCode)(upstreamReply[3] & 0xF);
        truncated |= (upstreamReply[2] & (TruncatedFlag >> 8)) != 0;
        BinaryPrimitives.WriteUInt16BigEndian(response[6..], (ushort)answers);
        BinaryPrimitives.WriteUInt16BigEndian(response[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(response[10..], (ushort)(hasOpt ? 1 : 0));
        response[3] = (byte)((response[3] & 0xF0) | (int)code);
        if (truncated)
        {
            response[2] |= TruncatedFlag >> 8;
        }

        if (hasOpt)
        {
            opt.CopyTo(response[at..]);
            at += OptRecordLength;
        }

        return result with { ResponseCode = code, BytesWritten = at, Truncated = truncated || result.Truncated };
    }

    private enum CopyOutcome
    {
        Copied,
        Unreadable,
        NoRoom,
    }

    /// <summary>
    /// Copies one resource record with every name in its data written out in full: the names of NS, CNAME, PTR, MX,
    /// SRV and SOA (RFC 1035 §3.3, RFC 2782), the only types whose names may be compressed (RFC 3597 §4).
    /// </summary>
    private static CopyOutcome TryCopyRecord(ref DnsMessageReader reader, Span<byte> destination, out int written, out RecordType type)
    {
        written = 0;
        type = RecordType.None;
        Span<byte> name = stackalloc byte[DnsQuery.MaxNameLength];
        if (!reader.TryCopyName(name, out var ownerLength) || !reader.TryReadRecordHeader(out var header))
        {
            return CopyOutcome.Unreadable;
        }

        type = header.Type;
        var writer = new DnsMessageWriter(destination, destination.Length);
        if (!writer.TryWriteBytes(name[..ownerLength]) || !writer.TryWriteUInt16((ushort)header.Type) || !writer.TryWriteUInt16(header.Class)
            || !writer.TryWriteUInt32(header.TimeToLive) || !writer.TryWriteUInt16(0))
        {
            return CopyOutcome.NoRoom;
        }

        var dataStart = writer.Position;
        var dataEnd = header.DataOffset + header.DataLength;
        var (fixedBefore, names) = header.Type switch
        {
            RecordType.NS or RecordType.CNAME or RecordType.PTR => (0, 1),
            RecordType.MX => (2, 1),
            RecordType.SRV => (6, 1),
            RecordType.SOA => (0, 2),
            _ => (header.DataLength, 0),
        };
        if (fixedBefore > header.DataLength || !writer.TryWriteBytes(reader.Message.Slice(header.DataOffset, fixedBefore)))
        {
            return fixedBefore > header.DataLength ? CopyOutcome.Unreadable : CopyOutcome.NoRoom;
        }

        var data = new DnsMessageReader(reader.Message[..dataEnd], header.DataOffset + fixedBefore);
        for (var n = 0; n < names; n++)
        {
            if (!data.TryCopyName(name, out var length))
            {
                return CopyOutcome.Unreadable;
            }

            if (!writer.TryWriteBytes(name[..length]))
            {
                return CopyOutcome.NoRoom;
            }
        }

        if (!writer.TryWriteBytes(reader.Message[data.Position..dataEnd]))
        {
            return CopyOutcome.NoRoom;
        }

        writer.PatchUInt16(dataStart - 2, writer.Position - dataStart);
        reader = new DnsMessageReader(reader.Message, dataEnd);
        written = writer.Position;
        return CopyOutcome.Copied;
    }

    /// <summary>True when two owner names written out in full are the same, letters compared case-insensitively (RFC 4343).</summary>
    private static bool SameOwner(ReadOnlySpan<byte> message, int first, int second)
    {
        var a = new DnsMessageReader(message, first);
        var b = new DnsMessageReader(message, second);
        return a.TrySkipName() && b.TrySkipName() && a.Position - first == b.Position - second
            && Ascii.EqualsIgnoreCase(message[first..a.Position], message[second..b.Position]);
    }

    /// <summary>
    /// True when both messages' first questions are the same: the name case-insensitively (length octets, below 64,
    /// are never letters, so comparing the wire forms so is exact for them), type and class exactly, and the question
    /// the same number of bytes, so one can be written over the other.
    /// </summary>
    private static bool SameQuestion(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var ra = new DnsMessageReader(a);
        var rb = new DnsMessageReader(b);
        Span<byte> names = stackalloc byte[2 * DnsQuery.MaxNameLength];
        if (ra.QuestionCount != 1 || rb.QuestionCount != 1
            || !ra.TryCopyName(names[..DnsQuery.MaxNameLength], out var la) || !rb.TryCopyName(names[DnsQuery.MaxNameLength..], out var lb)
            || ra.Position != rb.Position || !ra.TryReadTypeAndClass(out var ta, out var ca) || !rb.TryReadTypeAndClass(out var tb, out var cb))
        {
            return false;
        }

        return ta == tb && ca == cb && NamesEqual(names[..la], names.Slice(DnsQuery.MaxNameLength, lb));
    }

    /// <summary>
    /// Wire-name equality as RFC 4343 §3 defines it: A-Z equal a-z, every other octet only itself. Non-ASCII octets
    /// compare as bytes (an upstream echoes them unchanged), which <see cref="Ascii.EqualsIgnoreCase(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    /// would reject. Length octets are at most 63, so folding never touches them.
    /// </summary>
    private static bool NamesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y && ((x | 0x20) != (y | 0x20) || !char.IsAsciiLetter((char)x)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkipQuestions(ref DnsMessageReader reader)
    {
        for (var i = 0; i < reader.QuestionCount; i++)
        {
            if (!reader.TrySkipQuestion())
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkipRecords(ref DnsMessageReader reader, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!reader.TrySkipRecord())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Finds our OPT record after the answer section and copies it (it is always <see cref="OptRecordLength"/> bytes).</summary>
    private static bool TryFindOpt(ref DnsMessageReader reader, scoped Span<byte> opt)
    {
        if (!TrySkipRecords(ref reader, reader.AuthorityCount))
        {
            return false;
        }

        for (var i = 0; i < reader.AdditionalCount; i++)
        {
            var start = reader.Position;
            if (!reader.TrySkipName() || !reader.TryReadRecordHeader(out var header) || !reader.TrySkip(header.DataLength))
            {
                return false;
            }

            if (header.Type == RecordType.OPT && reader.Position - start == OptRecordLength)
            {
                reader.Message.Slice(start, OptRecordLength).CopyTo(opt);
                return true;
            }
        }

        return false;
    }

    /// <summary>Rewrites the CLASS (UDP payload size) of the message's OPT record, if it has one (RFC 6891 §6.1.2).</summary>
    private static void SetOptPayload(Span<byte> message, ushort payloadSize)
    {
        var reader = new DnsMessageReader(message);
        if (!TrySkipQuestions(ref reader) || !TrySkipRecords(ref reader, reader.AnswerCount + reader.AuthorityCount))
        {
            return;
        }

        for (var i = 0; i < reader.AdditionalCount; i++)
        {
            if (!reader.TrySkipName() || !reader.TryReadRecordHeader(out var header))
            {
                return;
            }

            if (header.Type == RecordType.OPT)
            {
                BinaryPrimitives.WriteUInt16BigEndian(message[(header.DataOffset - 8)..], payloadSize);
            }

            reader.TrySkip(header.DataLength);
        }
    }
}
