using System.Globalization;
using System.Text;

namespace KubeDns.Records;

/// <summary>
/// A <see cref="Resolution"/> turned into ordinary objects (<see cref="Resolution.ToAnswer"/>): what a server would
/// send, kept after the query and the snapshot are gone. For tests and tools, off the query path (it allocates);
/// servers use the allocation-free <see cref="Resolution"/> itself.
/// </summary>
public sealed class ResolvedAnswer
{
    internal ResolvedAnswer(in Resolution resolution)
    {
        QueryName = resolution.QueryName.ToString();
        QueryType = resolution.QueryType;
        Kind = resolution.Kind;
        ResponseCode = resolution.ResponseCode;
        IsAuthoritative = resolution.IsAuthoritative;
        IsReverseFallthrough = resolution.IsReverseFallthrough;
        ExternalTarget = resolution.ExternalTarget;
        Answer = Copy(resolution.Answer);
        Authority = Copy(resolution.Authority);
        Additional = Copy(resolution.Additional);
    }

    /// <summary>The query name as given, without its trailing dot.</summary>
    public string QueryName { get; }

    /// <summary>The query type.</summary>
    public RecordType QueryType { get; }

    /// <summary>What kind of answer this is.</summary>
    public ResolutionKind Kind { get; }

    /// <summary>The DNS response code a server sends (<see cref="Resolution.ResponseCode"/>).</summary>
    public ResponseCode ResponseCode { get; }

    /// <summary>True when the answer comes from one of our zones, so a server sets the AA bit.</summary>
    public bool IsAuthoritative { get; }

    /// <summary>True for a reverse-zone name no cluster object owns (<see cref="Resolution.IsReverseFallthrough"/>).</summary>
    public bool IsReverseFallthrough { get; }

    /// <summary>The CNAME target outside every cluster zone a server with an upstream resolves (<see cref="Resolution.ExternalTarget"/>).</summary>
    public string? ExternalTarget { get; }

    /// <summary>The answer section, in order.</summary>
    public IReadOnlyList<ResolvedRecord> Answer { get; }

    /// <summary>The authority section: the zone's SOA for NODATA, NXDOMAIN and SERVFAIL answers.</summary>
    public IReadOnlyList<ResolvedRecord> Authority { get; }

    /// <summary>The additional section: the addresses of SRV targets and of the name server for NS.</summary>
    public IReadOnlyList<ResolvedRecord> Additional { get; }

    /// <summary>
    /// The answer as <c>dig</c> prints a reply: the header line with the status, the flags and section counts,
    /// the question, then each non-empty section as zone-file lines, a blank line before each section; names in
    /// presentation format (<see cref="Wire.DnsName.Format"/>).
    /// </summary>
    /// <remarks>
    /// <c>aa</c> is set for answers from our zones; there is no message ID, and no <c>rd</c>/<c>ra</c>, because a
    /// resolution is not a message: a server adds those from the query it answers. The text has no trailing newline.
    /// </remarks>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(";; ->>HEADER<<- opcode: QUERY, status: ").Append(Resolution.StatusText(ResponseCode)).Append('\n');
        text.Append(";; flags: qr").Append(IsAuthoritative ? " aa" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $"; QUERY: 1, ANSWER: {Answer.Count}, AUTHORITY: {Authority.Count}, ADDITIONAL: {Additional.Count}\n");
        text.Append("\n;; QUESTION SECTION:\n;").Append(Wire.DnsName.Format(QueryName))
            .Append(QueryName.EndsWith('.') ? "\t\tIN\t" : ".\t\tIN\t").Append(Resolution.TypeText(QueryType)).Append('\n');
        Append(text, "ANSWER", Answer);
        Append(text, "AUTHORITY", Authority);
        Append(text, "ADDITIONAL", Additional);
        text.Length--;
        return text.ToString();

        static void Append(StringBuilder text, string title, IReadOnlyList<ResolvedRecord> section)
        {
            if (section.Count > 0)
            {
                text.Append("\n;; ").Append(title).Append(" SECTION:\n");
                foreach (var record in section)
                {
                    text.Append(record.ToString()).Append('\n');
                }
            }
        }
    }

    private static ResolvedRecord[] Copy(RecordSection section)
    {
        var records = new ResolvedRecord[section.Count];
        var i = 0;
        foreach (var record in section)
        {
            records[i++] = record.ToResolvedRecord();
        }

        return records;
    }
}
