using System.Buffers.Binary;

namespace KubeDns.Records.Wire;

/// <summary>
/// Reads a DNS message (RFC 1035 §4.1) forward from a position: names, questions and record headers, every read
/// bounds-checked and reporting whether it succeeded, never throwing and allocating nothing. The one place the
/// library decides what a name on the wire is (RFC 1035 §3.1, §4.1.4): a compression pointer must point backwards,
/// before the pointer itself, so pointers cannot loop, and at most 32 are followed for one name; the label types
/// 0x40 and 0x80 are rejected (RFC 6891 §5); a name holds at most 255 octets; a name that runs off the end of the
/// message is not a name. A failed read leaves <see cref="Position"/> where it was.
/// </summary>
public ref struct DnsMessageReader
{
    private const int MaxPointerHops = 32;

    /// <summary>Starts reading after the header, at the first question.</summary>
    /// <param name="message">The whole message, which compression pointers refer into.</param>
    public DnsMessageReader(ReadOnlySpan<byte> message)
        : this(message, DnsWire.HeaderLength)
    {
    }

    /// <summary>Starts reading at <paramref name="position"/>, such as a name inside a record's data.</summary>
    /// <param name="message">The whole message, which compression pointers refer into.</param>
    /// <param name="position">The offset of the first byte to read; outside the message every read fails.</param>
    public DnsMessageReader(ReadOnlySpan<byte> message, int position)
    {
        Message = message;
        Position = position;
    }

    /// <summary>The message read.</summary>
    public readonly ReadOnlySpan<byte> Message { get; }

    /// <summary>The offset of the next byte to read.</summary>
    public int Position { readonly get; private set; }

    /// <summary>QDCOUNT, or 0 when the message is shorter than a header.</summary>
    public readonly int QuestionCount => Count(4);

    /// <summary>ANCOUNT, or 0 when the message is shorter than a header.</summary>
    public readonly int AnswerCount => Count(6);

    /// <summary>NSCOUNT, or 0 when the message is shorter than a header.</summary>
    public readonly int AuthorityCount => Count(8);

    /// <summary>ARCOUNT, or 0 when the message is shorter than a header.</summary>
    public readonly int AdditionalCount => Count(10);

    /// <summary>Moves past a name.</summary>
    /// <returns>False when there is no valid name at <see cref="Position"/>.</returns>
    public bool TrySkipName() => TryWalkName(allowPointers: true, default, out _, default, out _);

    /// <summary>
    /// Reads a name as text, the form <see cref="DnsQuery.Name"/> and <see cref="ClusterSnapshot.Resolve"/> use:
    /// labels separated by dots, a trailing dot, <c>"."</c> for the root, letter case kept, and a dot or NUL octet
    /// inside a label as <c>'\0'</c> (<see cref="DnsName"/>).
    /// </summary>
    /// <param name="destination">Where the text goes; <see cref="DnsQuery.MaxNameTextLength"/> characters hold any name.</param>
    /// <param name="charsWritten">The text's length.</param>
    /// <param name="allowCompression">False to reject a compression pointer, as in a message's first name, which has nothing before it to point at.</param>
    /// <returns>False when there is no valid name or the text does not fit.</returns>
    public bool TryReadName(Span<char> destination, out int charsWritten, bool allowCompression = true)
    {
        if (!TryWalkName(allowCompression, destination, out charsWritten, default, out _) || charsWritten == 0)
        {
            charsWritten = 0;
            return false;
        }

        return true;
    }

    /// <summary>Copies a name out in its uncompressed wire form (length-prefixed labels and the root's zero octet).</summary>
    /// <param name="destination">Where the name goes; <see cref="DnsQuery.MaxNameLength"/> bytes hold any name.</param>
    /// <param name="bytesWritten">The name's length on the wire.</param>
    /// <returns>False when there is no valid name or it does not fit.</returns>
    public bool TryCopyName(Span<byte> destination, out int bytesWritten)
    {
        if (!TryWalkName(allowPointers: true, default, out _, destination, out bytesWritten) || bytesWritten == 0)
        {
            bytesWritten = 0;
            return false;
        }

        return true;
    }

    /// <summary>Reads the type and class that end a question (RFC 1035 §4.1.2), after its name.</summary>
    /// <param name="type">QTYPE.</param>
    /// <param name="recordClass">QCLASS.</param>
    /// <returns>False when fewer than four bytes remain.</returns>
    public bool TryReadTypeAndClass(out RecordType type, out ushort recordClass)
    {
        if (!Has(4))
        {
            type = RecordType.None;
            recordClass = 0;
            return false;
        }

        type = (RecordType)BinaryPrimitives.ReadUInt16BigEndian(Message[Position..]);
        recordClass = BinaryPrimitives.ReadUInt16BigEndian(Message[(Position + 2)..]);
        Position += 4;
        return true;
    }

    /// <summary>Moves past a question: its name, type and class.</summary>
    /// <returns>False when the question is not readable.</returns>
    public bool TrySkipQuestion()
    {
        var start = Position;
        if (TrySkipName() && TryReadTypeAndClass(out _, out _))
        {
            return true;
        }

        Position = start;
        return false;
    }

    /// <summary>
    /// Reads the fixed fields of a resource record after its owner name (RFC 1035 §4.1.3) and checks that its data
    /// lies inside the message; <see cref="Position"/> is then the start of the data.
    /// </summary>
    /// <param name="header">The type, class, TTL, data offset and data length.</param>
    /// <returns>False when the fields or the data run past the message.</returns>
    public bool TryReadRecordHeader(out DnsRecordHeader header)
    {
        header = default;
        if (!Has(10))
        {
            return false;
        }

        var fields = Message[Position..];
        var dataLength = BinaryPrimitives.ReadUInt16BigEndian(fields[8..]);
        if (!Has(10 + dataLength))
        {
            return false;
        }

        header = new DnsRecordHeader(
            (RecordType)BinaryPrimitives.ReadUInt16BigEndian(fields),
            BinaryPrimitives.ReadUInt16BigEndian(fields[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(fields[4..]),
            Position + 10,
            dataLength);
        Position += 10;
        return true;
    }

    /// <summary>Moves past a whole resource record: owner, fixed fields and data.</summary>
    /// <returns>False when the record is not readable.</returns>
    public bool TrySkipRecord()
    {
        var start = Position;
        if (TrySkipName() && TryReadRecordHeader(out var header))
        {
            Position = header.DataOffset + header.DataLength;
            return true;
        }

        Position = start;
        return false;
    }

    /// <summary>Moves <paramref name="count"/> bytes on, such as past a record's data or fixed RDATA fields.</summary>
    /// <param name="count">How many bytes.</param>
    /// <returns>False when fewer remain (or the count is negative).</returns>
    public bool TrySkip(int count)
    {
        if (count < 0 || !Has(count))
        {
            return false;
        }

        Position += count;
        return true;
    }

    private readonly int Count(int at) => Message.Length >= DnsWire.HeaderLength ? BinaryPrimitives.ReadUInt16BigEndian(Message[at..]) : 0;

    private readonly bool Has(int count) => Position >= 0 && Position <= Message.Length && Message.Length - Position >= count;

    /// <summary>
    /// The one name walker: follows labels and pointers from <see cref="Position"/>, writing the text form to
    /// <paramref name="text"/> and the uncompressed wire form to <paramref name="wire"/> when they are not empty,
    /// and on success moves <see cref="Position"/> past the name as it stands in the message (to just after the
    /// first pointer, if any).
    /// </summary>
    private bool TryWalkName(bool allowPointers, Span<char> text, out int textLength, Span<byte> wire, out int wireWritten)
    {
        textLength = 0;
        wireWritten = 0;
        var writeText = !text.IsEmpty;
        var writeWire = !wire.IsEmpty;
        if (Position < 0)
        {
            return false;
        }

        var position = Position;
        var end = -1;
        var hops = 0;
        var wireLength = 1;
        while (true)
        {
            if (position >= Message.Length)
            {
                return false;
            }

            int length = Message[position];
            if (length == 0)
            {
                if (writeText && textLength == 0)
                {
                    text[textLength++] = '.';
                }

                if (writeWire)
                {
                    if (wireWritten >= wire.Length)
                    {
                        return false;
                    }

                    wire[wireWritten++] = 0;
                }

                Position = end >= 0 ? end : position + 1;
                return true;
            }

            switch (length & 0xC0)
            {
                case 0xC0:
                    if (!allowPointers || position + 1 >= Message.Length || ++hops > MaxPointerHops)
                    {
                        return false;
                    }

                    var target = ((length & 0x3F) << 8) | Message[position + 1];
                    if (target >= position)
                    {
                        return false;
                    }

                    if (end < 0)
                    {
                        end = position + 2;
                    }

                    position = target;
                    continue;
                case 0:
                    wireLength += length + 1;
                    if (wireLength > DnsQuery.MaxNameLength || position + 1 + length > Message.Length
                        || (writeText && textLength + length + 1 > text.Length)
                        || (writeWire && wireWritten + length + 1 > wire.Length))
                    {
                        return false;
                    }

                    var label = Message.Slice(position + 1, length);
                    if (writeText)
                    {
                        foreach (var b in label)
                        {
                            text[textLength++] = DnsName.FromOctet(b);
                        }

                        text[textLength++] = '.';
                    }

                    if (writeWire)
                    {
                        wire[wireWritten++] = (byte)length;
                        label.CopyTo(wire[wireWritten..]);
                        wireWritten += length;
                    }

                    position += length + 1;
                    continue;
                default:
                    // Label types 0x40 and 0x80 are not in use (RFC 6891 §5).
                    return false;
            }
        }
    }
}
