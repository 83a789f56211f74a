using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using KubeDns.Records.Naming;

namespace KubeDns.Records.Wire;

/// <summary>
/// Writes a DNS message into a caller's buffer (RFC 1035 §4.1) with name compression (§4.1.4), never throwing for
/// a short buffer: every write says whether it fit. Compression matches names exactly (byte for byte), so the
/// letter case of every name is what the resolver chose (0x20 echo, specification.md §6.4); SRV targets are never
/// compressed (RFC 2782) but may be pointed to.
/// </summary>
[SkipLocalsInit]
internal ref struct DnsMessageWriter
{
    private const int MaxCompressionEntries = 192;
    private const int IndexSlots = 256;
    private const int MaxPointerOffset = 0x3FFF;
    private const int MaxLabels = 128;

    private readonly Span<byte> _buffer;
    private CompressionTable _table;
    private CompressionIndex _index;
    private int _entries;

    public DnsMessageWriter(Span<byte> buffer, int limit)
    {
        // A limit below zero (a destination too small even for the OPT record held back) is a writer that fits nothing.
        _buffer = buffer[..Math.Clamp(limit, 0, buffer.Length)];
        Position = 0;
    }

    public int Position { get; private set; }

    /// <summary>Where the data of the last record <see cref="TryWriteRecord"/> wrote starts.</summary>
    public int DataOffset { get; private set; }

    public readonly int Capacity => _buffer.Length;

    /// <summary>A point to return to when something does not fit.</summary>
    public readonly (int Position, int Entries) Checkpoint => (Position, _entries);

    public void Restore((int Position, int Entries) checkpoint)
    {
        Position = checkpoint.Position;
        if (checkpoint.Entries == _entries)
        {
            return;
        }

        // Forget names written after the checkpoint: rebuild the index from the entries that remain.
        _entries = checkpoint.Entries;
        ((Span<ushort>)_index).Clear();
        for (var i = 0; i < _entries; i++)
        {
            Index(i);
        }
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
        Span<int> starts = stackalloc int[MaxLabels];
        Span<uint> hashes = stackalloc uint[MaxLabels];
        var labels = SuffixHashes(text, starts, hashes);
        var at = offset;
        for (var i = 0; i < labels && at < _buffer.Length; i++)
        {
            if (!TryFind(hashes[i], text[starts[i]..], out _))
            {
                Register(at, hashes[i]);
            }

            at += _buffer[at] + 1;
        }
    }

    /// <summary>
    /// Writes a name given as text with a trailing dot. With <paramref name="compress"/>, the longest suffix already
    /// written becomes a pointer; either way, suffixes not yet known are remembered for later names.
    /// </summary>
    public bool TryWriteName(scoped ReadOnlySpan<char> text, bool compress)
    {
        // A name holds 255 octets on the wire (RFC 1035 §2.3.4): text with its trailing dot is one octet shorter.
        // The library never makes a longer name (record-synthesis.md, names at the limits); refusing one here keeps
        // a caller's mistake from becoming a message no resolver can parse.
        if (text.Length > DnsQuery.MaxNameTextLength)
        {
            return false;
        }

        Span<int> starts = stackalloc int[MaxLabels];
        Span<uint> hashes = stackalloc uint[MaxLabels];
        var labels = SuffixHashes(text, starts, hashes);
        if (labels < 0)
        {
            return false;
        }

        var known = false;
        for (var i = 0; i < labels; i++)
        {
            var suffix = text[starts[i]..];

            // Once a suffix is known, every shorter one is too: an uncompressed name (an SRV target) stops looking.
            var pointer = 0;
            if (compress || !known)
            {
                known = TryFind(hashes[i], suffix, out pointer);
            }

            if (known && compress)
            {
                return TryWriteUInt16(0xC000 | pointer);
            }

            var length = suffix.IndexOf('.');
            if (length is <= 0 or > DnsLabels.MaxLabelLength || Position + 1 + length > _buffer.Length)
            {
                return false;
            }

            if (!known)
            {
                Register(Position, hashes[i]);
            }

            _buffer[Position++] = (byte)length;
            foreach (var c in suffix[..length])
            {
                _buffer[Position++] = (byte)c;
            }
        }

        return TryWriteByte(0);
    }

    /// <summary>
    /// The start of every label of a name (text with a trailing dot) and the hash of the suffix starting there,
    /// computed right to left in one pass: h(label.rest) = mix(h(label), h(rest)). Returns the label count, or -1.
    /// </summary>
    private static int SuffixHashes(scoped ReadOnlySpan<char> text, Span<int> starts, Span<uint> hashes)
    {
        if (text.Length <= 1)
        {
            return 0;
        }

        var count = 0;
        for (var i = 0; i < text.Length - 1; i = text[i..].IndexOf('.') + i + 1)
        {
            if (count == starts.Length || text[i..].IndexOf('.') < 0)
            {
                return -1;
            }

            starts[count++] = i;
        }

        var h = 0x9E3779B9u;
        for (var i = count - 1; i >= 0; i--)
        {
            var end = i + 1 < count ? starts[i + 1] - 1 : text.Length - 1;
            var label = 2166136261u;
            foreach (var c in text[starts[i]..end])
            {
                label = (label ^ c) * 16777619u;
            }

            h = ((h << 5) | (h >> 27)) ^ (label * 0x85EBCA6Bu);
            hashes[i] = h;
        }

        return count;
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
    /// <param name="record">The record.</param>
    /// <param name="ownerText">The owner as text; used only when <paramref name="ownerPointer"/> is negative.</param>
    /// <param name="ownerPointer">Where the same owner name was already written (a pointer target), or -1.</param>
    public bool TryWriteRecord(scoped DnsRecord record, scoped ReadOnlySpan<char> ownerText, int ownerPointer)
    {
        var ownerWritten = ownerPointer >= 0 ? TryWriteUInt16(0xC000 | ownerPointer) : TryWriteName(ownerText, compress: true);
        if (!ownerWritten
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
        DataOffset = rdataStart;
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

    private void Register(int offset, uint hash)
    {
        if (offset > MaxPointerOffset || _entries == MaxCompressionEntries)
        {
            return;
        }

        _table[_entries] = new Entry((ushort)offset, hash);
        Index(_entries++);
    }

    /// <summary>Open addressing with linear probing; slot values are entry numbers plus one, 0 = empty.</summary>
    private void Index(int entry)
    {
        var slot = (int)(_table[entry].Hash & (IndexSlots - 1));
        while (_index[slot] != 0)
        {
            slot = (slot + 1) & (IndexSlots - 1);
        }

        _index[slot] = (ushort)(entry + 1);
    }

    private readonly bool TryFind(uint hash, scoped ReadOnlySpan<char> suffix, out int offset)
    {
        var slot = (int)(hash & (IndexSlots - 1));
        for (var probes = 0; probes < IndexSlots && _index[slot] != 0; probes++)
        {
            var entry = _table[_index[slot] - 1];
            if (entry.Hash == hash && WireEquals(entry.Offset, suffix))
            {
                offset = entry.Offset;
                return true;
            }

            slot = (slot + 1) & (IndexSlots - 1);
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

    private readonly record struct Entry(ushort Offset, uint Hash);

    [InlineArray(MaxCompressionEntries)]
    private struct CompressionTable
    {
        private Entry _element;
    }

    [InlineArray(IndexSlots)]
    private struct CompressionIndex
    {
        private ushort _element;
    }
}
