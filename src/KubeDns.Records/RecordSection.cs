using System.Text;
using KubeDns.Records.Answers;

namespace KubeDns.Records;

/// <summary>
/// The records of one section (answer, authority or additional) of a <see cref="Resolution"/>, in order.
/// Enumerating and indexing allocate nothing.
/// </summary>
public readonly ref struct RecordSection
{
    private readonly ReadOnlySpan<Segment> _segments;
    private readonly ReadOnlySpan<char> _query;
    private readonly ReadOnlySpan<StoredRecord> _inline;

    internal RecordSection(ReadOnlySpan<Segment> segments, ReadOnlySpan<char> query, ReadOnlySpan<StoredRecord> inline = default)
    {
        _segments = segments;
        _query = query;
        _inline = inline;
        var count = 0;
        foreach (ref readonly var segment in segments)
        {
            count += segment.Count;
        }

        Count = count;
    }

    /// <summary>The number of records.</summary>
    public int Count { get; }

    /// <summary>True when the section has no records.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>The record at <paramref name="index"/>.</summary>
    /// <param name="index">0 to <see cref="Count"/> - 1.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the section.</exception>
    public DnsRecord this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            foreach (ref readonly var segment in _segments)
            {
                if (index < segment.Count)
                {
                    return Make(segment, index);
                }

                index -= segment.Count;
            }

            throw new ArgumentOutOfRangeException(nameof(index), index, "The index is past the end of the section.");
        }
    }

    /// <summary>Enumerates the records.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>The records as zone-file lines, one per line.</summary>
    /// <returns>The text; empty when the section is empty.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var record in this)
        {
            text.Append(record.ToString()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The records as zone-file lines, as <see cref="ToString"/> gives them, so that
    /// <c>Console.Write(resolution.Answer)</c> prints the section: a ref struct converts to no <see cref="object"/>.
    /// Allocates, like <see cref="ToString"/>.
    /// </summary>
    /// <param name="section">The section.</param>
    public static implicit operator string(RecordSection section) => section.ToString();

    internal DnsRecord Make(in Segment segment, int index)
    {
        var source = segment.Source is null ? _query : segment.Source.AsSpan(0, segment.Source.Length - 1);
        var position = segment.Count <= 1 ? index : (int)((segment.Rotation + ((long)segment.Step * index)) % segment.Count);
        ref readonly var record = ref segment.Records is null ? ref _inline[0] : ref segment.Records[segment.Start + position];
        return new DnsRecord(record, source, source[segment.ZoneStart..], segment.OwnerIsSource, segment.OwnerIsSource && segment.Source is null);
    }

    /// <summary>Enumerates the records of a <see cref="RecordSection"/> without allocating.</summary>
    public ref struct Enumerator
    {
        private readonly RecordSection _section;
        private int _segment;
        private int _index;

        internal Enumerator(RecordSection section)
        {
            _section = section;
            _segment = 0;
            _index = -1;
        }

        /// <summary>The current record.</summary>
        public readonly DnsRecord Current => _section.Make(_section._segments[_segment], _index);

        /// <summary>Moves to the next record.</summary>
        /// <returns>False at the end.</returns>
        public bool MoveNext()
        {
            _index++;
            while (_segment < _section._segments.Length)
            {
                if (_index < _section._segments[_segment].Count)
                {
                    return true;
                }

                _segment++;
                _index = 0;
            }

            return false;
        }
    }
}
