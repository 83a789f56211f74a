using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using KubeDns.Records.Answers;

namespace KubeDns.Records;

/// <summary>
/// The answer to one question: response code, kind, and the answer, authority and additional sections. A value
/// over the snapshot's precomputed records and the query text: making one allocates nothing. It is a
/// <c>ref struct</c> because it views the query name; convert or print it before the query buffer is reused.
/// </summary>
public ref struct Resolution
{
    private SegmentBuffer _segments;
    private StoredRecord _inline;
    private int _answerSegments;
    private uint _orderSeed;
    private RecordOrder _order;
    private bool _hasAuthority;
    private bool _hasAdditional;

    internal Resolution(ReadOnlySpan<char> queryName, RecordType queryType)
    {
        QueryName = queryName;
        QueryType = queryType;
        Kind = ResolutionKind.OutsideZones;
    }

    /// <summary>The query name as given, without its trailing dot.</summary>
    public ReadOnlySpan<char> QueryName { get; }

    /// <summary>The query type.</summary>
    public RecordType QueryType { get; }

    /// <summary>What kind of answer this is.</summary>
    public ResolutionKind Kind { get; internal set; }

    /// <summary>The DNS response code a server sends; <see cref="ResponseCode.Refused"/> for names outside every zone.</summary>
    public readonly ResponseCode ResponseCode => Kind switch
    {
        ResolutionKind.Answer or ResolutionKind.NoData => ResponseCode.NoError,
        ResolutionKind.NameError => ResponseCode.NameError,
        ResolutionKind.NotSynced => ResponseCode.ServerFailure,
        _ => ResponseCode.Refused,
    };

    /// <summary>True when the answer comes from one of our zones, so a server sets the AA bit.</summary>
    public readonly bool IsAuthoritative => Kind != ResolutionKind.OutsideZones;

    /// <summary>
    /// True when the name is in one of our reverse zones but no cluster object owns it (specification.md §8): the answer
    /// is NXDOMAIN with the reverse zone's SOA, and a server with an upstream should forward the question instead.
    /// </summary>
    public bool IsReverseFallthrough { get; internal set; }

    /// <summary>
    /// When the answer ends in a CNAME whose target is outside every cluster zone, that target (absolute, lower
    /// case): a server with an upstream resolves it there and appends the answer (specification.md §11, §15).
    /// </summary>
    public string? ExternalTarget { get; internal set; }

    /// <summary>The answer section.</summary>
    [UnscopedRef]
    public readonly RecordSection Answer =>
        new(((ReadOnlySpan<Segment>)_segments)[.._answerSegments], QueryName, new ReadOnlySpan<StoredRecord>(in _inline));

    /// <summary>The authority section: the zone's SOA for NODATA, NXDOMAIN and SERVFAIL answers.</summary>
    [UnscopedRef]
    public readonly RecordSection Authority =>
        new(((ReadOnlySpan<Segment>)_segments).Slice(SegmentBuffer.AuthorityIndex, _hasAuthority ? 1 : 0), QueryName);

    /// <summary>The additional section: the addresses of SRV targets and of the name server for NS.</summary>
    [UnscopedRef]
    public readonly RecordSection Additional =>
        new(((ReadOnlySpan<Segment>)_segments).Slice(SegmentBuffer.AdditionalIndex, _hasAdditional ? 1 : 0), QueryName);

    internal readonly int AnswerSegmentCount => _answerSegments;

    internal bool TryAddAnswer(in Segment segment)
    {
        if (segment.Count == 0)
        {
            return true;
        }

        if (_answerSegments == SegmentBuffer.AnswerCapacity)
        {
            return false;
        }

        _segments[_answerSegments++] = segment.Count > 1 && _order != RecordOrder.Deterministic ? Ordered(segment) : segment;
        return true;
    }

    /// <summary>Answers with one record made for this query, kept inside the resolution (no allocation).</summary>
    internal bool TryAddInlineAnswer(in StoredRecord record, string? source, int zoneStart)
    {
        _inline = record;
        return TryAddAnswer(new Segment(null, 0, 1, source, zoneStart, ownerIsSource: true));
    }

    /// <summary>Sets the per-query order (specification.md §6.6): RRsets added afterwards are rotated or permuted.</summary>
    internal void SetOrder(RecordOrder order, uint seed)
    {
        _order = order;
        _orderSeed = seed;
    }

    private readonly Segment Ordered(in Segment segment)
    {
        var count = segment.Count;
        if (_order == RecordOrder.Rotate)
        {
            return segment.WithOrder((int)(_orderSeed % (uint)count), 1);
        }

        // Shuffle: an affine permutation i → (a + b·i) mod n with b coprime to n, drawn from the seed.
        var mixed = _orderSeed * 2654435761u;
        var step = (int)(1 + ((mixed >> 8) % (uint)count));
        while (Gcd(step, count) != 1)
        {
            step++;
        }

        return segment.WithOrder((int)(mixed % (uint)count), step);

        static int Gcd(int a, int b)
        {
            while (b != 0)
            {
                (a, b) = (b, a % b);
            }

            return a;
        }
    }

    internal readonly bool AnswerContains(StoredRecord[] records)
    {
        for (var i = 0; i < _answerSegments; i++)
        {
            if (ReferenceEquals(_segments[i].Records, records))
            {
                return true;
            }
        }

        return false;
    }

    internal void SetAuthority(in Segment segment)
    {
        _segments[SegmentBuffer.AuthorityIndex] = segment;
        _hasAuthority = segment.Count > 0;
    }

    internal void SetAdditional(in Segment segment)
    {
        _segments[SegmentBuffer.AdditionalIndex] = segment;
        _hasAdditional = segment.Count > 0;
    }

    /// <summary>
    /// Copies the resolution into ordinary objects that outlive the query: sections as lists of records, each
    /// printable as dig prints it. For tests and tools; it allocates, so servers use the resolution itself.
    /// </summary>
    /// <returns>The answer.</returns>
    public readonly ResolvedAnswer ToAnswer() => new(this);

    /// <summary>The resolution as <c>dig</c> prints a reply; see <see cref="ResolvedAnswer.ToString"/>.</summary>
    /// <returns>The text.</returns>
    public override readonly string ToString() => ToAnswer().ToString();

    /// <summary>
    /// The resolution as text, as <see cref="ToString"/> gives it, so that <c>Console.WriteLine(resolution)</c> and
    /// <c>$"{resolution}"</c> print it as dig does: a ref struct converts to no <see cref="object"/>, and without this
    /// operator the first would pick <c>Console.WriteLine(bool)</c> and fail to compile. Allocates, like
    /// <see cref="ToString"/>; it is for printing, never the query path.
    /// </summary>
    /// <param name="resolution">The resolution.</param>
    public static implicit operator string(Resolution resolution) => resolution.ToString();

    /// <summary>
    /// The record type as zone files and <c>dig</c> write it: its mnemonic (A, SRV …), or <c>TYPE</c> and its number
    /// for a type without one (RFC 3597 §5).
    /// </summary>
    /// <param name="type">The record type.</param>
    /// <returns>The mnemonic.</returns>
    public static string TypeText(RecordType type) =>
        type is not RecordType.None && Enum.IsDefined(type) ? type.ToString() : string.Create(CultureInfo.InvariantCulture, $"TYPE{(ushort)type}");

    /// <summary>The response code as <c>dig</c> prints it: NOERROR, NXDOMAIN, SERVFAIL, REFUSED …</summary>
    /// <param name="code">The response code.</param>
    /// <returns>The mnemonic.</returns>
    public static string StatusText(ResponseCode code) => code switch
    {
        ResponseCode.NoError => "NOERROR",
        ResponseCode.FormatError => "FORMERR",
        ResponseCode.ServerFailure => "SERVFAIL",
        ResponseCode.NameError => "NXDOMAIN",
        ResponseCode.NotImplemented => "NOTIMP",
        ResponseCode.Refused => "REFUSED",
        ResponseCode.BadVersion => "BADVERS",
        _ => $"RCODE{(int)code}",
    };
}
