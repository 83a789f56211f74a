using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using KubeDns.Records.Internal;

namespace KubeDns.Records.Wire;

/// <summary>
/// Writes a DNS message into a caller's buffer (RFC 1035 §4.1) with name compression (§4.1.4), never throwing for
/// a short buffer: every write says whether it fit. Compression matches names exactly (byte for byte), so the
/// letter case of every name is what the resolver chose (0x20 echo, behaviour.md §6.4); SRV targets are never
/// compressed (RFC 2782) but may be pointed to.
/// </summary>
internal ref struct DnsMessageWriter
{
    private const int MaxCompressionEntries = 96;
    private const int MaxPointerOffset = 0x3FFF;

    private readonly Span<byte> _buffer;
    private CompressionTable _table;
    private int _entries;

    public DnsMessageWriter(Span<byte> buffer, int limit)
    {
        _buffer = buffer[..Math.Min(limit, buffer.Length)];
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Capacity => _buffer.Length;

    /// <summary>A point to return to when something does not fit.</summary>
    public readonly (int Position, int Entries) Checkpoint => (Position, _entries);

    public void Restore((int Position, int Entries) checkpoint)
    {
        Position = checkpoint.Position;
        _entries = checkpoint.Entries;
    }

    public bool TryWriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        if (Position + bytes.Length > _buffer.Length)
        {
            return false;
        }

        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
        return true;
    }

    public bool TryWriteUInt16(int value)
    {
        if (Position + 2 > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], (ushort)value);
        Position += 2;
        return true;
    }

    public bool TryWriteUInt32(uint value)
    {
        if (Position + 4 > _buffer.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
        Position += 4;
        return true;
    }

    public readonly void PatchUInt16(int at, int value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer[at..], (ushort)value);

    /// <summary>Registers the labels of a name already in the buffer (the echoed question) as compression targets.</summary>
    public void RegisterName(int offset, scoped ReadOnlySpan<char> text)
    {
        var at = offset;
        var start = 0;
        while (start < text.Length - 1 && at < _buffer.Length)
        {
            Register(at, text[start..]);
            var length = _buffer[at];
            at += length + 1;
            start += length + 1;
        }
    }

    /// <summary>Writes a name given as text with a trailing dot, compressing it against names already written.</summary>
    public bool TryWriteName(scoped ReadOnlySpan<char> text, bool compress)
    {
        if (text.Length <= 1)
        {
            return TryWriteByte(0);
        }

        var start = 0;
        while (start < text.Length - 1)
        {
            var suffix = text[start..];
            if (compress && TryFind(suffix, out var pointer))
            {
                return TryWriteUInt16(0xC000 | pointer);
            }

            var dot = suffix.IndexOf('.');
            if (dot is <= 0 or > DnsLabels.MaxLabelLength || Position + 1 + dot > _buffer.Length)
            {
                return false;
            }

            Register(Position, suffix);
            _buffer[Position++] = (byte)dot;
            foreach (var c in suffix[..dot])
            {
                _buffer[Position++] = (byte)c;
            }

            start += dot + 1;
        }

        return TryWriteByte(0);
    }

    public bool TryWriteName(scoped DnsNameText name, bool compress)
    {
        Span<char> text = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        return name.TryCopyTo(text, out var length) && TryWriteName(text[..length], compress);
    }

    public bool TryWriteByte(byte value)
    {
        if (Position >= _buffer.Length)
        {
            return false;
        }

        _buffer[Position++] = value;
        return true;
    }

    /// <summary>
    /// One resource record (RFC 1035 §4.1.3): owner, type, class IN, TTL, RDLENGTH (back-patched) and RDATA.
    /// </summary>
    public bool TryWriteRecord(scoped DnsRecord record)
    {
        if (!TryWriteName(record.Name, compress: true)
            || !TryWriteUInt16((ushort)record.Type)
            || !TryWriteUInt16(record.Class)
            || !TryWriteUInt32(record.TimeToLive)
            || !TryWriteUInt16(0))
        {
            return false;
        }

        var rdataStart = Position;
        var written = record.Type switch
        {
            RecordType.A or RecordType.AAAA => TryWriteAddress(record),
            RecordType.CNAME or RecordType.NS or RecordType.PTR => TryWriteName(record.Target, compress: true),
            RecordType.SRV => TryWriteUInt16(record.Priority) && TryWriteUInt16(record.Weight) && TryWriteUInt16(record.Port)
                && TryWriteName(record.Target, compress: false),
            RecordType.TXT => TryWriteText(record.Text),
            RecordType.SOA => TryWriteName(record.Target, compress: true) && TryWriteName(record.ResponsibleMailbox, compress: true)
                && TryWriteUInt32(record.Serial) && TryWriteUInt32(record.Refresh) && TryWriteUInt32(record.Retry)
                && TryWriteUInt32(record.Expire) && TryWriteUInt32(record.Minimum),
            _ => false,
        };
        if (!written)
        {
            return false;
        }

        PatchUInt16(rdataStart - 2, Position - rdataStart);
        return true;
    }

    private bool TryWriteAddress(scoped DnsRecord record)
    {
        if (!record.TryWriteAddress(_buffer[Position..], out var length))
        {
            return false;
        }

        Position += length;
        return true;
    }

    private bool TryWriteText(scoped ReadOnlySpan<string> strings)
    {
        foreach (var s in strings)
        {
            if (s.Length > 255 || !TryWriteByte((byte)s.Length) || Position + s.Length > _buffer.Length)
            {
                return false;
            }

            foreach (var c in s)
            {
                _buffer[Position++] = (byte)c;
            }
        }

        return true;
    }

    private void Register(int offset, scoped ReadOnlySpan<char> suffix)
    {
        if (offset > MaxPointerOffset || _entries == MaxCompressionEntries)
        {
            return;
        }

        _table[_entries++] = new Entry((ushort)offset, Hash(suffix));
    }

    private readonly bool TryFind(scoped ReadOnlySpan<char> suffix, out int offset)
    {
        var hash = Hash(suffix);
        for (var i = 0; i < _entries; i++)
        {
            var entry = _table[i];
            if (entry.Hash == hash && WireEquals(entry.Offset, suffix))
            {
                offset = entry.Offset;
                return true;
            }
        }

        offset = 0;
        return false;
    }

    /// <summary>Compares the name written at <paramref name="offset"/> with text, exactly (letter case included).</summary>
    private readonly bool WireEquals(int offset, scoped ReadOnlySpan<char> text)
    {
        var at = offset;
        var hops = 0;
        while (true)
        {
            int length = _buffer[at];
            if ((length & 0xC0) == 0xC0)
            {
                if (++hops > 16)
                {
                    return false;
                }

                at = ((length & 0x3F) << 8) | _buffer[at + 1];
                continue;
            }

            if (length == 0)
            {
                return text.Length <= 1;
            }

            if (text.Length < length + 1 || text[length] != '.')
            {
                return false;
            }

            for (var i = 0; i < length; i++)
            {
                if (_buffer[at + 1 + i] != text[i])
                {
                    return false;
                }
            }

            text = text[(length + 1)..];
            at += length + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<char> text)
    {
        var h = 2166136261u;
        foreach (var c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }

    private readonly record struct Entry(ushort Offset, uint Hash);

    [InlineArray(MaxCompressionEntries)]
    private struct CompressionTable
    {
        private Entry _element;
    }
}
