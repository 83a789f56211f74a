using KubeDns.Records.Answers;

namespace KubeDns.Records.Indexing;

/// <summary>
/// Everything one owner name holds, precomputed: its records grouped by type in the order A, AAAA, SRV (so one
/// slice answers each type, and the whole array answers ANY), the SRV glue, or a CNAME. A node with no records is
/// an empty non-terminal: the name exists and answers NODATA (RFC 8020, specification.md §1).
/// </summary>
internal sealed class NameNode
{
    public static readonly NameNode EmptyNonTerminal = new([], 0, 0, [], cname: null);

    private readonly RecordType _onlyType;

    private NameNode(StoredRecord[] records, int aaaaStart, int srvStart, StoredRecord[] srvAdditional, CnameTarget? cname, RecordType onlyType = RecordType.None)
    {
        _onlyType = onlyType;
        Records = records;
        AaaaStart = aaaaStart;
        SrvStart = srvStart;
        SrvAdditional = srvAdditional;
        AnyAdditional = WithoutOwnAddresses(srvAdditional, records.AsSpan(0, srvStart));
        Cname = cname;
    }

    /// <summary>A records, then AAAA, then SRV; or the single CNAME record.</summary>
    public StoredRecord[] Records { get; }

    public int AaaaStart { get; }

    public int SrvStart { get; }

    /// <summary>A and AAAA records of every SRV target, each (owner, address) once, in target order (specification.md §6.2).</summary>
    public StoredRecord[] SrvAdditional { get; }

    /// <summary>
    /// The glue for an ANY answer: <see cref="SrvAdditional"/> without the name's own addresses, which the answer
    /// already holds (RFC 2181 §5.5, RFC 1034 §4.3.2: additional processing adds what the answer lacks).
    /// </summary>
    public StoredRecord[] AnyAdditional { get; }

    /// <summary>The alias, when this name is an ExternalName service.</summary>
    public CnameTarget? Cname { get; }

    public static NameNode ForRecords(List<StoredRecord> a, List<StoredRecord> aaaa, List<StoredRecord> srv, StoredRecord[] srvAdditional)
    {
        if (a.Count + aaaa.Count + srv.Count == 0)
        {
            return EmptyNonTerminal;
        }

        var records = new StoredRecord[a.Count + aaaa.Count + srv.Count];
        a.CopyTo(records, 0);
        aaaa.CopyTo(records, a.Count);
        srv.CopyTo(records, a.Count + aaaa.Count);
        return new NameNode(records, a.Count, a.Count + aaaa.Count, srv.Count == 0 ? [] : srvAdditional, cname: null);
    }

    public static NameNode ForCname(StoredRecord record, CnameTarget target) => new([record], 0, 0, [], target);

    /// <summary>A node holding records of one other type, such as PTR.</summary>
    public static NameNode ForType(RecordType type, StoredRecord[] records) => new(records, 0, 0, [], cname: null, type);

    private static StoredRecord[] WithoutOwnAddresses(StoredRecord[] glue, ReadOnlySpan<StoredRecord> own)
    {
        var kept = new List<StoredRecord>(glue.Length);
        foreach (var record in glue)
        {
            var duplicate = false;
            foreach (var answer in own)
            {
                duplicate |= answer.Type == record.Type && answer.Address == record.Address && answer.Owner == record.Owner;
            }

            if (!duplicate)
            {
                kept.Add(record);
            }
        }

        return kept.Count == glue.Length ? glue : [.. kept];
    }

    /// <summary>The records of one type; the whole set for ANY.</summary>
    public (int Start, int Count) Select(RecordType type) => _onlyType != RecordType.None
        ? (type == _onlyType || type == RecordType.ANY ? (0, Records.Length) : (0, 0))
        : type switch
        {
            RecordType.A => (0, AaaaStart),
            RecordType.AAAA => (AaaaStart, SrvStart - AaaaStart),
            RecordType.SRV => (SrvStart, Records.Length - SrvStart),
            RecordType.ANY => (0, Records.Length),
            _ => (0, 0),
        };
}
