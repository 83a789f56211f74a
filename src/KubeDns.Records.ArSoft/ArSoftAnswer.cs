using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ArSoftRecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// One resolver answer converted to ARSoft records once, then reused for every identical question against the
/// same snapshot (ARSoft records are immutable). Also carries each section's size on the wire, computed without
/// name compression, so UDP truncation can keep whole RRsets (behaviour.md §15) without encoding.
/// </summary>
internal sealed class ArSoftAnswer
{
    private ArSoftAnswer(Resolution resolution)
    {
        Kind = resolution.Kind;
        ResponseCode = resolution.ResponseCode;
        IsAuthoritative = resolution.IsAuthoritative;
        IsReverseFallthrough = resolution.IsReverseFallthrough;
        ExternalTarget = resolution.ExternalTarget;
        (Answer, AnswerRRsetEnds, AnswerRRsetSizes) = Convert(resolution.Answer, groupRRsets: true);
        (Authority, _, var authoritySizes) = Convert(resolution.Authority, groupRRsets: false);
        (Additional, _, var additionalSizes) = Convert(resolution.Additional, groupRRsets: false);
        AuthoritySize = Sum(authoritySizes);
        AdditionalSize = Sum(additionalSizes);
        AnswerSize = Sum(AnswerRRsetSizes);
    }

    public ResolutionKind Kind { get; }

    public DnsResponseCode ResponseCode { get; }

    public bool IsAuthoritative { get; }

    public bool IsReverseFallthrough { get; }

    public string? ExternalTarget { get; }

    public DnsRecordBase[] Answer { get; }

    /// <summary>For each RRset of the answer, the index one past its last record.</summary>
    public int[] AnswerRRsetEnds { get; }

    /// <summary>For each RRset of the answer, its size on the wire without compression.</summary>
    public int[] AnswerRRsetSizes { get; }

    public int AnswerSize { get; }

    public DnsRecordBase[] Authority { get; }

    public int AuthoritySize { get; }

    public DnsRecordBase[] Additional { get; }

    public int AdditionalSize { get; }

    public static ArSoftAnswer From(Resolution resolution) => new(resolution);

    /// <summary>The wire length of an absolute name written without compression: its text length plus one.</summary>
    public static int WireLength(DnsNameText name) => name.Length + 1;

    private static int Sum(int[] values)
    {
        var total = 0;
        foreach (var v in values)
        {
            total += v;
        }

        return total;
    }

    private static (DnsRecordBase[] Records, int[] Ends, int[] Sizes) Convert(RecordSection section, bool groupRRsets)
    {
        var records = new DnsRecordBase[section.Count];
        var ends = new List<int>();
        var sizes = new List<int>();
        var i = 0;
        string? previousOwner = null;
        var previousType = Records.RecordType.None;
        foreach (var record in section)
        {
            var owner = record.Name.ToString();
            var size = WireLength(record.Name) + 10 + RdataLength(record);
            var sameRRset = groupRRsets && i > 0 && record.Type == previousType && record.Type != Records.RecordType.CNAME
                && string.Equals(owner, previousOwner, StringComparison.OrdinalIgnoreCase);
            if (sameRRset)
            {
                ends[^1] = i + 1;
                sizes[^1] += size;
            }
            else
            {
                ends.Add(i + 1);
                sizes.Add(size);
            }

            records[i++] = ToArSoft(record, DomainName.Parse(owner));
            previousOwner = owner;
            previousType = record.Type;
        }

        return (records, [.. ends], [.. sizes]);
    }

    private static int RdataLength(DnsRecord record)
    {
        switch (record.Type)
        {
            case Records.RecordType.A:
                return 4;
            case Records.RecordType.AAAA:
                return 16;
            case Records.RecordType.SRV:
                return 6 + WireLength(record.Target);
            case Records.RecordType.SOA:
                return WireLength(record.Target) + WireLength(record.ResponsibleMailbox) + 20;
            case Records.RecordType.TXT:
                var length = 0;
                foreach (var s in record.Text)
                {
                    length += 1 + s.Length;
                }

                return length;
            default:
                return WireLength(record.Target);
        }
    }

    private static DnsRecordBase ToArSoft(DnsRecord record, DomainName owner)
    {
        var ttl = (int)Math.Min(record.TimeToLive, int.MaxValue);
        return record.Type switch
        {
            Records.RecordType.A => new ARecord(owner, ttl, record.GetAddress()!),
            Records.RecordType.AAAA => new AaaaRecord(owner, ttl, record.GetAddress()!),
            Records.RecordType.CNAME => new CNameRecord(owner, ttl, Name(record.Target)),
            Records.RecordType.PTR => new PtrRecord(owner, ttl, Name(record.Target)),
            Records.RecordType.NS => new NsRecord(owner, ttl, Name(record.Target)),
            Records.RecordType.SRV => new SrvRecord(owner, ttl, record.Priority, record.Weight, record.Port, Name(record.Target)),
            Records.RecordType.TXT => new TxtRecord(owner, ttl, record.Text.ToArray()),
            Records.RecordType.SOA => new SoaRecord(
                owner,
                ttl,
                Name(record.Target),
                Name(record.ResponsibleMailbox),
                record.Serial,
                (int)record.Refresh,
                (int)record.Retry,
                (int)record.Expire,
                (int)record.Minimum),
            _ => throw new NotSupportedException($"Record type {record.Type} has no ARSoft conversion."),
        };
    }

    private static DomainName Name(DnsNameText name) => DomainName.Parse(name.ToString());

    internal static ArSoftRecordType ToArSoft(Records.RecordType type) => (ArSoftRecordType)(ushort)type;
}
