using System.Globalization;

namespace KubeDns.Records;

/// <summary>
/// One record of a <see cref="ResolvedAnswer"/>: a <see cref="DnsRecord"/> copied into ordinary strings, so it can be
/// kept, compared and printed after the query is gone. For tests and tools, off the query path (it allocates).
/// </summary>
/// <param name="Name">The owner, absolute with its trailing dot, in presentation format (<see cref="Wire.DnsName.Format"/>).</param>
/// <param name="TimeToLive">The time to live in seconds.</param>
/// <param name="Type">The record type.</param>
/// <param name="Data">The RDATA as dig prints it: <c>10.96.0.10</c>, <c>0 50 80 kiada.kiada.svc.cluster.local.</c>.</param>
public sealed record ResolvedRecord(string Name, uint TimeToLive, RecordType Type, string Data)
{
    /// <summary>The record as dig prints it: <c>quote.kiada.svc.cluster.local. 5 IN A 10.96.0.10</c>.</summary>
    /// <returns>The zone-file line.</returns>
    public override string ToString() => FormatLine(Name, TimeToLive, Type, Data);

    /// <summary>The one spelling of a record line (RFC 1035 §5.1 order: owner, TTL, class, type, RDATA), as dig prints it.</summary>
    internal static string FormatLine(string name, uint ttl, RecordType type, string data) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} {ttl} IN {Resolution.TypeText(type)} {data}");
}
