using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ArSoftRecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// One resolver answer converted to ARSoft records once, then reused for every identical question against the
/// same snapshot (ARSoft records are immutable).
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
        Answer = Convert(resolution.Answer);
        Authority = Convert(resolution.Authority);
        Additional = Convert(resolution.Additional);
    }

    public ResolutionKind Kind { get; }

    public ResponseCode ResponseCode { get; }

    public bool IsAuthoritative { get; }

    public bool IsReverseFallthrough { get; }

    public string? ExternalTarget { get; }

    public DnsRecordBase[] Answer { get; }

    public DnsRecordBase[] Authority { get; }

    public DnsRecordBase[] Additional { get; }

    public static ArSoftAnswer From(Resolution resolution) => new(resolution);

    private static DnsRecordBase[] Convert(RecordSection section)
    {
        var records = new DnsRecordBase[section.Count];
        var i = 0;
        foreach (var record in section)
        {
            records[i++] = ToArSoft(record, DomainName.Parse(record.Name.ToString()));
        }

        return records;
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
