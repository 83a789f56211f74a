using System.Buffers.Binary;

namespace KubeDns.Records.Wire;

/// <summary>
/// A DNS query read from its wire form (RFC 1035 §4.1): the header fields a response needs, the single question,
/// and the EDNS(0) OPT record (RFC 6891 §6.1). Reading is bounds-checked, follows compression pointers with a hop
/// limit, rejects labels over 63 and names over 255 octets, and never throws; the status says why a message was
/// not accepted. The question name is decoded to text in a buffer the caller provides, so nothing is allocated.
/// </summary>
public readonly ref struct DnsQuery
{
    /// <summary>The header length, <see cref="DnsWire.HeaderLength"/>, under the name older callers use.</summary>
    public const int HeaderLength = DnsWire.HeaderLength;

    /// <summary>The longest name in wire form (RFC 1035 §2.3.4).</summary>
    public const int MaxNameLength = 255;

    /// <summary>The longest name as text, with its trailing dot, in the form <see cref="Name"/> uses.</summary>
    public const int MaxNameTextLength = 254;

    private const int MaxPointerHops = 32;

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
        var offset = DnsWire.HeaderLength;
        if (!TryReadName(message, ref offset, nameBuffer, out var nameLength, allowPointers: false) || offset + 4 > message.Length)
        {
            return DnsQueryStatus.FormatError;
        }

        var type = (RecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var recordClass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        offset += 4;
        var questionEnd = offset;

        // Answer and authority records are skipped; the additional section may hold one OPT record (RFC 6891 §6.1.1).
        var records = BinaryPrimitives.ReadUInt16BigEndian(message[6..]) + BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var additional = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        bool hasEdns = false, dnssecOk = false;
        ushort payload = 0;
        byte version = 0;
        Span<char> scratch = stackalloc char[MaxNameTextLength];
        for (var i = 0; i < records + additional; i++)
        {
            var ownerStart = offset;
            if (!TryReadName(message, ref offset, scratch, out _) || offset + 10 > message.Length)
            {
                return DnsQueryStatus.FormatError;
            }

            var recordType = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            if (offset + 10 + rdLength > message.Length)
            {
                return DnsQueryStatus.FormatError;
            }

            if (recordType == (ushort)RecordType.OPT)
            {
                // One OPT, in the additional section, owned by the root (RFC 6891 §6.1.1).
                if (hasEdns || i < records || message[ownerStart] != 0)
                {
                    return DnsQueryStatus.FormatError;
                }

                hasEdns = true;
                payload = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
                version = message[offset + 5];
                dnssecOk = (message[offset + 6] & 0x80) != 0;
            }

            offset += 10 + rdLength;
        }

        if (offset != message.Length)
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

    /// <summary>
    /// Reads a possibly compressed name (RFC 1035 §4.1.4) as text. Pointers must point backwards (so they cannot
    /// loop) and are followed at most <see cref="MaxPointerHops"/> times. Octets become characters by
    /// <see cref="DnsName.FromOctet"/>, the rule <see cref="DnsName.TryParse"/> shares: a dot or NUL inside a label is
    /// written as NUL, which no name of ours contains, so such a name can never match one.
    /// </summary>
    internal static bool TryReadName(ReadOnlySpan<byte> message, ref int offset, Span<char> text, out int textLength, bool allowPointers = true)
    {
        textLength = 0;
        var position = offset;
        var jumped = false;
        var hops = 0;
        var wireLength = 1;
        while (true)
        {
            if (position >= message.Length)
            {
                return false;
            }

            int length = message[position];
            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                if (textLength == 0)
                {
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    text[textLength++] = '.';
                }

                return true;
            }

            switch (length & 0xC0)
            {
                case 0xC0:
                    if (!allowPointers || position + 1 >= message.Length || ++hops > MaxPointerHops)
                    {
                        return false;
                    }

                    var target = ((length & 0x3F) << 8) | message[position + 1];
                    if (target >= position)
                    {
                        return false;
                    }

                    if (!jumped)
                    {
                        offset = position + 2;
                        jumped = true;
                    }

                    position = target;
                    continue;
                case 0:
                    wireLength += length + 1;
                    if (wireLength > MaxNameLength || position + 1 + length > message.Length || textLength + length + 1 > text.Length)
                    {
                        return false;
                    }

                    foreach (var b in message.Slice(position + 1, length))
                    {
                        text[textLength++] = DnsName.FromOctet(b);
                    }

                    text[textLength++] = '.';
                    position += length + 1;
                    continue;
                default:
                    // Label types 0x40 and 0x80 are not in use (RFC 6891 §5).
                    return false;
            }
        }
    }
}
