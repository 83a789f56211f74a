using System.Buffers.Binary;

namespace KubeDns.Records.Wire;

/// <summary>
/// A DNS query read from its wire form (RFC 1035 §4.1): the header fields a response needs, the single question,
/// and the EDNS(0) OPT record (RFC 6891 §6.1). Names and records are read by <see cref="DnsMessageReader"/>, whose
/// rules (backward pointers, a hop limit, 255 octets) are the library's one definition of a name on the wire; reading
/// never throws, and the status says why a message was not accepted. The question name is decoded to text in a buffer the caller provides, so nothing is allocated.
/// </summary>
public readonly ref struct DnsQuery
{
    /// <summary>The header length, <see cref="DnsWire.HeaderLength"/>, under the name older callers use.</summary>
    public const int HeaderLength = DnsWire.HeaderLength;

    /// <summary>The longest name in wire form (RFC 1035 §2.3.4).</summary>
    public const int MaxNameLength = 255;

    /// <summary>The longest name as text, with its trailing dot, in the form <see cref="Name"/> uses.</summary>
    public const int MaxNameTextLength = 254;

    private DnsQuery(ReadOnlySpan<byte> message, ReadOnlySpan<char> name, int questionEnd)
    {
        Message = message;
        Name = name;
        QuestionEnd = questionEnd;
    }

    /// <summary>The whole message as received.</summary>
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>The transaction ID.</summary>
    public ushort Id => BinaryPrimitives.ReadUInt16BigEndian(Message);

    /// <summary>The opcode (0 = QUERY).</summary>
    public int Opcode => (Message[2] >> 3) & 0xF;

    /// <summary>RD: recursion desired, copied into the response.</summary>
    public bool RecursionDesired => (Message[2] & 0x01) != 0;

    /// <summary>CD: checking disabled, copied into the response.</summary>
    public bool CheckingDisabled => (Message[3] & 0x10) != 0;

    /// <summary>QDCOUNT.</summary>
    public int QuestionCount => BinaryPrimitives.ReadUInt16BigEndian(Message[4..]);

    /// <summary>The question name as text, labels separated by dots, with a trailing dot; the query's letter case kept.</summary>
    public ReadOnlySpan<char> Name { get; }

    /// <summary>The question's type.</summary>
    public RecordType Type { get; init; }

    /// <summary>The question's class (1 = IN).</summary>
    public ushort Class { get; init; }

    /// <summary>The question as it appeared, name (possibly compressed, but never in a first question) type and class.</summary>
    public ReadOnlySpan<byte> QuestionBytes => Message[DnsWire.HeaderLength..QuestionEnd];

    /// <summary>True when the query carries an OPT record.</summary>
    public bool HasEdns { get; init; }

    /// <summary>The client's UDP payload size from OPT (RFC 6891 §6.2.3); 512 semantics when below 512.</summary>
    public ushort UdpPayloadSize { get; init; }

    /// <summary>The EDNS version the client speaks; above 0 gets BADVERS.</summary>
    public byte EdnsVersion { get; init; }

    /// <summary>The DO bit (RFC 3225), copied into the response's OPT.</summary>
    public bool DnssecOk { get; init; }

    private int QuestionEnd { get; }

    /// <summary>Reads a query.</summary>
    /// <param name="message">The datagram or TCP message (without the TCP length prefix).</param>
    /// <param name="nameBuffer">Where the question name is written as text; <see cref="MaxNameTextLength"/> characters suffice.</param>
    /// <param name="query">The query; its header is readable whenever the status is not <see cref="DnsQueryStatus.TooShort"/>.</param>
    /// <returns>Whether the message is a well-formed query, and why not.</returns>
    public static DnsQueryStatus TryRead(ReadOnlySpan<byte> message, Span<char> nameBuffer, out DnsQuery query)
    {
        query = default;
        if (message.Length < DnsWire.HeaderLength)
        {
            return DnsQueryStatus.TooShort;
        }

        query = new DnsQuery(message, default, DnsWire.HeaderLength);
        if ((message[2] & 0x80) != 0)
        {
            return DnsQueryStatus.IsResponse;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(message[4..]) != 1)
        {
            return DnsQueryStatus.FormatError;
        }

        // The first name of a message has nothing before it to point at but the header: no compression there.
        var reader = new DnsMessageReader(message);
        if (!reader.TryReadName(nameBuffer, out var nameLength, allowCompression: false) || !reader.TryReadTypeAndClass(out var type, out var recordClass))
        {
            return DnsQueryStatus.FormatError;
        }

        var questionEnd = reader.Position;

        // Answer and authority records are skipped; the additional section may hold one OPT record (RFC 6891 §6.1.1).
        var records = reader.AnswerCount + reader.AuthorityCount;
        var additional = reader.AdditionalCount;
        bool hasEdns = false, dnssecOk = false;
        ushort payload = 0;
        byte version = 0;
        for (var i = 0; i < records + additional; i++)
        {
            var ownerStart = reader.Position;
            if (!reader.TrySkipName() || !reader.TryReadRecordHeader(out var record))
            {
                return DnsQueryStatus.FormatError;
            }

            if (record.Type == RecordType.OPT)
            {
                // One OPT, in the additional section, owned by the root (RFC 6891 §6.1.1).
                if (hasEdns || i < records || message[ownerStart] != 0)
                {
                    return DnsQueryStatus.FormatError;
                }

                hasEdns = true;
                payload = record.UdpPayloadSize;
                version = record.EdnsVersion;
                dnssecOk = record.DnssecOk;
            }

            reader.TrySkip(record.DataLength);
        }

        if (reader.Position != message.Length)
        {
            return DnsQueryStatus.FormatError;
        }

        query = new DnsQuery(message, nameBuffer[..nameLength], questionEnd)
        {
            Type = type,
            Class = recordClass,
            HasEdns = hasEdns,
            UdpPayloadSize = payload,
            EdnsVersion = version,
            DnssecOk = dnssecOk,
        };
        return DnsQueryStatus.Ok;
    }
}
