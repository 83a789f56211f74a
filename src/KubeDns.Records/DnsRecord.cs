using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using KubeDns.Records.Answers;
using KubeDns.Records.Naming;

namespace KubeDns.Records;

/// <summary>
/// One resource record of a <see cref="Resolution"/>, in a neutral form that DNS servers convert without parsing
/// text: owner, type, class, TTL and typed RDATA. Only the members of the record's <see cref="Type"/> carry data.
/// <see cref="ToString"/> gives the record as a zone-file line.
/// </summary>
public readonly ref struct DnsRecord
{
    private readonly StoredRecord _record;
    private readonly ReadOnlySpan<char> _source;
    private readonly ReadOnlySpan<char> _zone;
    private readonly bool _ownerIsSource;

    internal DnsRecord(in StoredRecord record, ReadOnlySpan<char> source, ReadOnlySpan<char> zone, bool ownerIsSource, bool ownerIsQuery = false)
    {
        _record = record;
        _source = source;
        _zone = zone;
        _ownerIsSource = ownerIsSource;
        IsOwnedByQuery = ownerIsQuery;
    }

    /// <summary>True when the owner is the query name itself, so a writer can point at the question.</summary>
    internal bool IsOwnedByQuery { get; }

    /// <summary>The owner name: the query's own spelling for answer records (0x20 case echo, specification.md §6.4).</summary>
    public DnsNameText Name => _ownerIsSource ? new DnsNameText(_source, default) : Resolve(_record.Owner);

    /// <summary>The record type.</summary>
    public RecordType Type => _record.Type;

    /// <summary>The class: always 1 (IN).</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "A record property; other classes may follow (RFC 1035 §3.2.4).")]
    public ushort Class => 1;

    /// <summary>The time to live in seconds.</summary>
    public uint TimeToLive => _record.Ttl;

    /// <summary>The target of a CNAME, PTR, NS or SRV record, or the primary name server (MNAME) of an SOA record.</summary>
    public DnsNameText Target => Resolve(_record.Target);

    /// <summary>SRV priority (always 0 here).</summary>
    public ushort Priority => _record.Priority;

    /// <summary>SRV weight: max(1, ⌊100/n⌋) over the n SRV records of the answer (specification.md §6.2).</summary>
    public ushort Weight => _record.Weight;

    /// <summary>SRV port.</summary>
    public ushort Port => _record.Port;

    /// <summary>TXT character strings, each at most 255 bytes; empty for other types.</summary>
    public ReadOnlySpan<string> Text => _record.Data as string[];

    /// <summary>SOA responsible mailbox (RNAME), such as <c>hostmaster.cluster.local.</c>; empty for other types.</summary>
    public DnsNameText ResponsibleMailbox => _record.Data is SoaFields soa ? Resolve(soa.ResponsibleMailbox) : default;

    /// <summary>SOA serial.</summary>
    public uint Serial => (_record.Data as SoaFields)?.Serial ?? 0;

    /// <summary>SOA refresh interval in seconds.</summary>
    public uint Refresh => (_record.Data as SoaFields)?.Refresh ?? 0;

    /// <summary>SOA retry interval in seconds.</summary>
    public uint Retry => (_record.Data as SoaFields)?.Retry ?? 0;

    /// <summary>SOA expire limit in seconds.</summary>
    public uint Expire => (_record.Data as SoaFields)?.Expire ?? 0;

    /// <summary>SOA minimum: the negative-caching TTL (RFC 2308 §4).</summary>
    public uint Minimum => (_record.Data as SoaFields)?.Minimum ?? 0;

    /// <summary>Writes the address of an A (4 bytes) or AAAA (16 bytes) record in network order.</summary>
    /// <param name="destination">Where to write; at least 16 bytes always suffices.</param>
    /// <param name="bytesWritten">4, 16, or 0 when this is not an address record or the destination is too small.</param>
    /// <returns>True when the address was written.</returns>
    public bool TryWriteAddress(Span<byte> destination, out int bytesWritten)
    {
        var size = _record.Type switch { RecordType.A => 4, RecordType.AAAA => 16, _ => 0 };
        if (size == 0 || destination.Length < size)
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = IPText.WriteBytes(_record.Address, _record.IsV6, destination).Length;
        return true;
    }

    /// <summary>The address of an A or AAAA record as a new <see cref="IPAddress"/>; null for other types. Allocates.</summary>
    /// <returns>The address, or null.</returns>
    public IPAddress? GetAddress() =>
        _record.Type is RecordType.A or RecordType.AAAA ? IPText.ToIPAddress(_record.Address, _record.IsV6) : null;

    /// <summary>
    /// The record as a zone-file line: <c>quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97</c>, names in
    /// presentation format (<see cref="Wire.DnsName.Format"/>), as dig prints them.
    /// </summary>
    /// <returns>The line.</returns>
    public override string ToString() => ResolvedRecord.FormatLine(Name.ToPresentation(), TimeToLive, Type, DataText());

    /// <summary>The record as an ordinary object that outlives the query (for tests and tools; allocates).</summary>
    /// <returns>The record.</returns>
    public ResolvedRecord ToResolvedRecord() => new(Name.ToPresentation(), TimeToLive, Type, DataText());

    /// <summary>The RDATA in presentation format, as dig prints it after the type.</summary>
    private string DataText()
    {
        var text = new StringBuilder();
        switch (Type)
        {
            case RecordType.A:
            case RecordType.AAAA:
                text.Append(IPText.Format(_record.Address, _record.IsV6));
                break;
            case RecordType.SRV:
                text.Append(CultureInfo.InvariantCulture, $"{Priority} {Weight} {Port} ").Append(Target.ToPresentation());
                break;
            case RecordType.TXT:
                foreach (var s in Text)
                {
                    text.Append('"').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\" ");
                }

                text.Length--;
                break;
            case RecordType.SOA:
                text.Append(Target.ToPresentation()).Append(' ').Append(ResponsibleMailbox.ToPresentation())
                    .Append(CultureInfo.InvariantCulture, $" {Serial} {Refresh} {Retry} {Expire} {Minimum}");
                break;
            default:
                text.Append(Target.ToPresentation());
                break;
        }

        return text.ToString();
    }

    /// <summary>
    /// The record as a zone-file line, as <see cref="ToString"/> gives it, so that <c>Console.WriteLine(record)</c>
    /// and <c>$"{record}"</c> print the line dig prints: a ref struct converts to no <see cref="object"/>, and
    /// without this operator the first would pick <c>Console.WriteLine(bool)</c> and fail to compile. Allocates, like
    /// <see cref="ToString"/>; it is for printing, never the query path.
    /// </summary>
    /// <param name="record">The record.</param>
    public static implicit operator string(DnsRecord record) => record.ToString();

    private DnsNameText Resolve(NameRef name) =>
        name.IsZoneRelative ? new DnsNameText(name.Text, _zone) : new DnsNameText(name.Text, default);
}
