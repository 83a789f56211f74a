using System.Buffers.Binary;

namespace KubeDns.Records.Wire;

/// <summary>
/// Query bytes in, response bytes out: reads a query, resolves it against a snapshot and writes the response into
/// the caller's buffer, for UDP or TCP, applying the protocol rules of specification.md §15. Allocates nothing on any
/// path (wildcard answers aside, which allocate their records) and never throws for any input.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
public static class DnsWire
{
    /// <summary>The DNS header length (RFC 1035 §4.1.1).</summary>
    public const int HeaderLength = 12;

    /// <summary>
    /// The length of an OPT record without options (RFC 6891 §6.1.2): the root's zero octet, TYPE, CLASS, TTL and
    /// RDLENGTH; the only OPT record this library writes.
    /// </summary>
    public const int OptRecordLength = 11;

    /// <summary>
    /// The UDP message size every client accepts (RFC 1035 §4.2.1), the limit without EDNS and the least any EDNS
    /// payload size means (RFC 6891 §6.2.5).
    /// </summary>
    public const int MinUdpPayloadSize = 512;

    /// <summary>The default and recommended EDNS UDP payload size (DNS Flag Day 2020).</summary>
    public const int DefaultUdpPayloadSize = 1232;

    /// <summary>The largest DNS message (a TCP message's length is 16 bits, RFC 1035 §4.2.2).</summary>
    public const int MaxMessageLength = ushort.MaxValue;

    // The header's flag bits (RFC 1035 §4.1.1, RFC 4035 §3.2.2), as the 16-bit word after the ID.
    private const int ResponseFlag = 0x8000;
    private const int AuthoritativeFlag = 0x0400;
    private const int TruncatedFlag = 0x0200;
    private const int RecursionDesiredFlag = 0x0100;
    private const int RecursionAvailableFlag = 0x0080;
    private const int CheckingDisabledFlag = 0x0010;

    /// <summary>
    /// The largest response a client can take (specification.md §15.3): over TCP <see cref="MaxMessageLength"/>;
    /// over UDP 512 without EDNS, and otherwise the smaller of the client's payload size and ours, never below 512
    /// (RFC 6891 §6.2.5). Every size decision of the library and its servers goes through this one function.
    /// </summary>
    /// <param name="transport">The transport the query arrived on.</param>
    /// <param name="hasEdns">Whether the query carried an OPT record.</param>
    /// <param name="clientPayloadSize">The client's UDP payload size from its OPT record (ignored without one).</param>
    /// <param name="ourPayloadSize">Our payload size, <see cref="DnsWireOptions.MaxUdpPayloadSize"/>.</param>
    /// <returns>The limit in bytes, from 512 to 65,535.</returns>
    public static int ResponseLimit(DnsTransport transport, bool hasEdns, int clientPayloadSize, int ourPayloadSize) =>
        transport == DnsTransport.Tcp ? MaxMessageLength
        : hasEdns ? Math.Clamp(Math.Min(clientPayloadSize, ourPayloadSize), MinUdpPayloadSize, MaxMessageLength)
        : MinUdpPayloadSize;

    /// <summary>Answers one query.</summary>
    /// <remarks>
    /// The decision, in this order, the first that applies winning (specification.md §15.1, the one place these rules
    /// are implemented; every server and adapter calls this):
    /// <code>
    ///  1. shorter than 12 bytes, or QR = 1              Drop (no reply: a server never answers a response)
    ///  2. malformed body, or QDCOUNT other than 1       FORMERR, the header alone (ID, opcode, RD copied)
    ///  3. opcode other than QUERY (0)                   NOTIMP   } with the question echoed,
    ///  4. EDNS version above 0                          BADVERS  } no records, and OPT when
    ///  5. question type OPT, TKEY or TSIG (meta types)  FORMERR  } the query had one
    ///  6. class other than IN, or type AXFR or IXFR     REFUSED  }
    ///  7. outside every zone, or a reverse name no cluster object owns, with FallThrough
    ///                                                   Forward (nothing written; the host asks its upstream)
    ///  8. otherwise the snapshot's answer, fitted to ResponseLimit (specification.md §15.3): additional records
    ///     dropped first, then whole RRsets with TC over UDP; over TCP an answer that does not fit is SERVFAIL.
    /// </code>
    /// </remarks>
    /// <param name="snapshot">The cluster state to answer from.</param>
    /// <param name="query">The query message (without the TCP length prefix).</param>
    /// <param name="destination">Where the response is written; 65,535 bytes always suffice, 512 for UDP without EDNS.</param>
    /// <param name="transport">UDP (truncation to the client's size) or TCP.</param>
    /// <param name="options">Payload size, RA and fall-through.</param>
    /// <returns>What was done and how many bytes were written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshot"/> is null.</exception>
    public static DnsRespondResult TryRespond(ClusterSnapshot snapshot, ReadOnlySpan<byte> query, Span<byte> destination, DnsTransport transport, in DnsWireOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        var status = DnsQuery.TryRead(query, name, out var q);
        switch (status)
        {
            case DnsQueryStatus.TooShort:
            case DnsQueryStatus.IsResponse:
                return new DnsRespondResult(DnsRespondStatus.Drop, ResponseCode.NoError, 0, false, false);
            case DnsQueryStatus.FormatError:
                return HeaderOnly(query, destination, ResponseCode.FormatError);
        }

        var limit = Math.Min(ResponseLimit(transport, q.HasEdns, q.UdpPayloadSize, options.MaxUdpPayloadSize), destination.Length);
        var writer = new DnsMessageWriter(destination, limit - (q.HasEdns ? OptRecordLength : 0));

        if (q.Opcode != 0)
        {
            return Refuse(ref writer, q, destination, ResponseCode.NotImplemented, options);
        }

        if (q.HasEdns && q.EdnsVersion > 0)
        {
            // RFC 6891 §6.1.3: BADVERS (16) for a version we do not speak, with our version (0) in OPT.
            return Refuse(ref writer, q, destination, ResponseCode.BadVersion, options);
        }

        if (q.Type is RecordType.OPT or RecordType.TKEY or RecordType.TSIG)
        {
            // OPT, TKEY and TSIG are meta types, never questions (RFC 6895 §3.1).
            return Refuse(ref writer, q, destination, ResponseCode.FormatError, options);
        }

        if (q.Class != 1 || q.Type is RecordType.AXFR or RecordType.IXFR)
        {
            return Refuse(ref writer, q, destination, ResponseCode.Refused, options);
        }

        var resolution = snapshot.Resolve(q.Name, q.Type);
        if (options.FallThrough && (resolution.Kind == ResolutionKind.OutsideZones || resolution.IsReverseFallthrough))
        {
            return new DnsRespondResult(DnsRespondStatus.Forward, resolution.ResponseCode, 0, false, false);
        }

        if (!TryWriteHeaderAndQuestion(ref writer, q, resolution.ResponseCode, resolution.IsAuthoritative, options.RecursionAvailable))
        {
            return new DnsRespondResult(DnsRespondStatus.DestinationTooSmall, resolution.ResponseCode, 0, false, false);
        }

        var code = resolution.ResponseCode;
        var truncated = false;
        var answers = WriteSection(ref writer, resolution.Answer, wholeRRsets: true, out var complete);
        var authority = 0;
        var additional = 0;
        if (complete)
        {
            authority = WriteSection(ref writer, resolution.Authority, wholeRRsets: true, out complete);
        }

        if (complete)
        {
            // Additional records are dropped first, and dropping them sets no TC (RFC 2181 §9).
            var checkpoint = writer.Checkpoint;
            additional = WriteSection(ref writer, resolution.Additional, wholeRRsets: false, out var allAdditional);
            if (!allAdditional)
            {
                writer.Restore(checkpoint);
                additional = 0;
            }
        }
        else if (transport == DnsTransport.Tcp)
        {
            // TCP never truncates (specification.md §15): an answer that does not fit in 65,535 bytes is SERVFAIL.
            var failed = new DnsMessageWriter(destination, limit - (q.HasEdns ? OptRecordLength : 0));
            return Refuse(ref failed, q, destination, ResponseCode.ServerFailure, options);
        }
        else
        {
            truncated = true;
        }

        return Finish(ref writer, q, destination, code, options, answers, authority, additional, truncated, resolution.ExternalTarget is not null);
    }

    /// <summary>
    /// Writes an error response (header and echoed question, no records) to a query, for a server whose own step
    /// failed, such as SERVFAIL when no upstream answered a forwarded query.
    /// </summary>
    /// <param name="query">The query message.</param>
    /// <param name="destination">Where to write.</param>
    /// <param name="code">The response code, such as <see cref="ResponseCode.ServerFailure"/>.</param>
    /// <param name="options">RA and the payload size for OPT.</param>
    /// <returns>The result; <see cref="DnsRespondStatus.Drop"/> for a message that must not be answered.</returns>
    public static DnsRespondResult TryWriteError(ReadOnlySpan<byte> query, Span<byte> destination, ResponseCode code, in DnsWireOptions options)
    {
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        switch (DnsQuery.TryRead(query, name, out var q))
        {
            case DnsQueryStatus.TooShort:
            case DnsQueryStatus.IsResponse:
                return new DnsRespondResult(DnsRespondStatus.Drop, code, 0, false, false);
            case DnsQueryStatus.FormatError:
                return HeaderOnly(query, destination, ResponseCode.FormatError);
        }

        var writer = new DnsMessageWriter(destination, Math.Min(MaxMessageLength, destination.Length) - (q.HasEdns ? OptRecordLength : 0));
        return Refuse(ref writer, q, destination, code, options);
    }

    /// <summary>
    /// Writes a query message from its fields (RFC 1035 §4.1): the header with QR = 0, the question
    /// <see cref="DnsQueryFields.QuestionCount"/> times, uncompressed, and with <see cref="DnsQueryFields.HasEdns"/>
    /// one OPT record. Used to turn a query another library parsed into bytes for <see cref="TryRespond"/>, and to
    /// build queries for an upstream. Never throws and allocates nothing.
    /// </summary>
    /// <param name="fields">The header, question and EDNS fields.</param>
    /// <param name="destination">Where the message is written.</param>
    /// <param name="bytesWritten">The message's length; 0 when it was not written.</param>
    /// <returns>
    /// False, with nothing meaningful written, when <see cref="DnsQueryFields.Name"/> is not a name
    /// (<see cref="DnsName.TryParse"/> says why) or the message does not fit <paramref name="destination"/>.
    /// </returns>
    public static bool TryWriteQuery(scoped in DnsQueryFields fields, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        Span<byte> name = stackalloc byte[DnsQuery.MaxNameLength];
        if (!DnsName.TryParseToWire(fields.Name, name, out var nameLength, out _, out _))
        {
            return false;
        }

        var count = Math.Clamp(fields.QuestionCount, 0, ushort.MaxValue);
        var flags = ((fields.Opcode & 0xF) << 11) | (fields.RecursionDesired ? RecursionDesiredFlag : 0) | (fields.CheckingDisabled ? CheckingDisabledFlag : 0);
        var writer = new DnsMessageWriter(destination, MaxMessageLength - (fields.HasEdns ? OptRecordLength : 0));
        if (!writer.TryWriteUInt16(fields.Id) || !writer.TryWriteUInt16(flags) || !writer.TryWriteUInt16(count)
            || !writer.TryWriteUInt16(0) || !writer.TryWriteUInt16(0) || !writer.TryWriteUInt16(fields.HasEdns ? 1 : 0))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!writer.TryWriteBytes(name[..nameLength]) || !writer.TryWriteUInt16((ushort)fields.Type) || !writer.TryWriteUInt16(fields.Class))
            {
                return false;
            }
        }

        var length = writer.Position;
        if (fields.HasEdns)
        {
            if (length + OptRecordLength > destination.Length)
            {
                return false;
            }

            WriteOpt(destination[length..], fields.UdpPayloadSize, 0, fields.EdnsVersion, fields.DnssecOk);
            length += OptRecordLength;
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>
    /// An OPT record without options (RFC 6891 §6.1.2): root owner, TYPE 41, CLASS = the UDP payload size, TTL =
    /// extended RCODE, version and DO, RDLENGTH 0. <paramref name="destination"/> holds <see cref="OptRecordLength"/> bytes.
    /// </summary>
    private static void WriteOpt(Span<byte> destination, ushort payloadSize, int extendedCode, byte version, bool dnssecOk)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)RecordType.OPT);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], payloadSize);
        destination[5] = (byte)extendedCode;
        destination[6] = version;
        destination[7] = (byte)(dnssecOk ? 0x80 : 0);
        destination[8] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], 0);
    }

    /// <summary>A header and question with an error code and no records.</summary>
    private static DnsRespondResult Refuse(ref DnsMessageWriter writer, scoped DnsQuery q, Span<byte> destination, ResponseCode code, in DnsWireOptions options)
    {
        if (!TryWriteHeaderAndQuestion(ref writer, q, code, authoritative: false, options.RecursionAvailable))
        {
            return new DnsRespondResult(DnsRespondStatus.DestinationTooSmall, code, 0, false, false);
        }

        return Finish(ref writer, q, destination, code, options, 0, 0, 0, false, false);
    }

    /// <summary>
    /// The header (RFC 1035 §4.1.1) and the question echoed byte for byte, so the client sees its own letter case.
    /// </summary>
    /// <remarks>
    /// <code>
    ///   ID | QR Opcode AA TC RD | RA Z AD CD RCODE | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
    /// </code>
    /// </remarks>
    private static bool TryWriteHeaderAndQuestion(ref DnsMessageWriter writer, scoped DnsQuery q, ResponseCode code, bool authoritative, bool recursionAvailable)
    {
        var flags = ResponseFlag | (q.Opcode << 11) | (authoritative ? AuthoritativeFlag : 0) | (q.RecursionDesired ? RecursionDesiredFlag : 0)
            | (recursionAvailable ? RecursionAvailableFlag : 0) | (q.CheckingDisabled ? CheckingDisabledFlag : 0) | ((int)code & 0xF);
        if (!writer.TryWriteUInt16(q.Id) || !writer.TryWriteUInt16(flags) || !writer.TryWriteUInt16(1)
            || !writer.TryWriteUInt16(0) || !writer.TryWriteUInt16(0) || !writer.TryWriteUInt16(0)
            || !writer.TryWriteBytes(q.QuestionBytes))
        {
            return false;
        }

        writer.RegisterName(HeaderLength, q.Name);
        return true;
    }

    /// <summary>
    /// Writes a section's records. With <paramref name="wholeRRsets"/>, a record that does not fit removes the whole
    /// RRset it belongs to, so a truncated answer never ends in the middle of an RRset (RFC 2181 §9).
    /// </summary>
    private static int WriteSection(ref DnsMessageWriter writer, scoped RecordSection section, bool wholeRRsets, out bool complete)
    {
        var written = 0;
        var rrsetStart = writer.Checkpoint;
        var rrsetCount = 0;
        var previousType = RecordType.None;
        Span<char> owners = stackalloc char[2 * (DnsQuery.MaxNameTextLength + 2)];
        var current = owners[..(DnsQuery.MaxNameTextLength + 2)];
        var previous = owners[(DnsQuery.MaxNameTextLength + 2)..];
        var previousLength = -1;
        var previousByQuery = false;
        var previousOwnerAt = -1;
        foreach (var record in section)
        {
            // Answer records owned by the query name point straight at the question (offset 12): no text, no search.
            var byQuery = record.IsOwnedByQuery;
            scoped Span<char> owner = default;
            bool sameOwner;
            if (byQuery)
            {
                sameOwner = previousByQuery;
            }
            else
            {
                if (!record.Name.TryCopyTo(current, out var ownerLength))
                {
                    complete = false;
                    return written;
                }

                owner = current[..ownerLength];
                sameOwner = !previousByQuery && previousLength >= 0 && owner.Equals(previous[..previousLength], StringComparison.OrdinalIgnoreCase);
            }

            if (record.Type != previousType || record.Type == RecordType.CNAME || !sameOwner)
            {
                rrsetStart = writer.Checkpoint;
                rrsetCount = 0;
                previousType = record.Type;
            }

            var ownerAt = writer.Position;
            var pointer = byQuery ? HeaderLength : sameOwner && previousOwnerAt >= 0 ? previousOwnerAt : -1;
            if (!writer.TryWriteRecord(record, owner, pointer))
            {
                if (wholeRRsets)
                {
                    writer.Restore(rrsetStart);
                    written -= rrsetCount;
                }

                complete = false;
                return written;
            }

            if (!byQuery && !sameOwner)
            {
                owner.CopyTo(previous);
                previousLength = owner.Length;
                previousOwnerAt = ownerAt <= 0x3FFF ? ownerAt : -1;
            }

            previousByQuery = byQuery;
            written++;
            rrsetCount++;
        }

        complete = true;
        return written;
    }

    /// <summary>Adds the OPT record when the query had one and fills in the section counts and flags.</summary>
    private static DnsRespondResult Finish(
        ref DnsMessageWriter writer,
        scoped DnsQuery q,
        Span<byte> destination,
        ResponseCode code,
        in DnsWireOptions options,
        int answers,
        int authority,
        int additional,
        bool truncated,
        bool externalTarget)
    {
        var length = writer.Position;
        if (q.HasEdns)
        {
            // Our payload size, the upper bits of the response code (RFC 6891 §6.1.3), version 0, DO copied.
            WriteOpt(destination[length..], (ushort)options.MaxUdpPayloadSize, (int)code >> 4, 0, q.DnssecOk);
            length += OptRecordLength;
            additional++;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], (ushort)answers);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], (ushort)authority);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)additional);
        if (truncated)
        {
            destination[2] |= TruncatedFlag >> 8;
        }

        return new DnsRespondResult(DnsRespondStatus.Respond, code, length, truncated, externalTarget);
    }

    /// <summary>FORMERR for a message whose header is readable but whose body is not: ID, opcode and RD copied, no sections.</summary>
    private static DnsRespondResult HeaderOnly(ReadOnlySpan<byte> query, Span<byte> destination, ResponseCode code)
    {
        if (destination.Length < HeaderLength)
        {
            return new DnsRespondResult(DnsRespondStatus.DestinationTooSmall, code, 0, false, false);
        }

        destination[..HeaderLength].Clear();
        destination[0] = query[0];
        destination[1] = query[1];
        destination[2] = (byte)(0x80 | (query[2] & 0x79));
        destination[3] = (byte)((int)code & 0xF);
        return new DnsRespondResult(DnsRespondStatus.Respond, code, HeaderLength, false, false);
    }
}
