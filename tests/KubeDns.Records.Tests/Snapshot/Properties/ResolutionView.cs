using System.Collections.Immutable;

namespace KubeDns.Records.Tests.Snapshot.Properties;

/// <summary>One record of a <see cref="ResolutionView"/>, copied out of the <see cref="DnsRecord"/> ref struct.</summary>
internal sealed record RecordView(string Name, RecordType Type, uint Ttl, string? Address, string? Target, ushort Priority, ushort Weight, ushort Port, string Line)
{
    public override string ToString() => Line;
}

/// <summary>
/// A <see cref="Resolution"/> copied into ordinary objects. <see cref="Resolution"/> is a ref struct that views the
/// query text, so it cannot be kept in fields, lambdas or collections; tests take this copy at once.
/// </summary>
internal sealed record ResolutionView(
    string QueryName,
    RecordType QueryType,
    ResolutionKind Kind,
    ResponseCode Code,
    ImmutableArray<RecordView> Answer,
    ImmutableArray<RecordView> Authority,
    ImmutableArray<RecordView> Additional,
    string? ExternalTarget,
    string Text)
{
    public static ResolutionView Of(ClusterSnapshot snapshot, string name, RecordType type)
    {
        var r = snapshot.Resolve(name, type);
        return new ResolutionView(name, type, r.Kind, r.ResponseCode, Copy(r.Answer), Copy(r.Authority), Copy(r.Additional), r.ExternalTarget, r.ToString());
    }

    /// <summary>The answer records after the leading CNAME chain.</summary>
    public IEnumerable<RecordView> FinalRRset => Answer.SkipWhile(r => r.Type == RecordType.CNAME);

    public override string ToString() => Text;

    private static ImmutableArray<RecordView> Copy(RecordSection section)
    {
        var records = ImmutableArray.CreateBuilder<RecordView>(section.Count);
        foreach (var record in section)
        {
            var hasTarget = record.Type is RecordType.CNAME or RecordType.SRV or RecordType.NS or RecordType.PTR or RecordType.SOA;
            records.Add(new RecordView(
                record.Name.ToString(),
                record.Type,
                record.TimeToLive,
                record.GetAddress()?.ToString(),
                hasTarget ? record.Target.ToString() : null,
                record.Priority,
                record.Weight,
                record.Port,
                record.ToString()));
        }

        return records.MoveToImmutable();
    }
}
