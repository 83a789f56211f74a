using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ArSoftRecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// Fits a UDP response into the client's size before ARSoft encodes it (specification.md §15): the additional section
/// goes first (no TC, RFC 2181 §9); if it still does not fit, TC is set and only the whole answer RRsets that fit
/// stay. ARSoft's own truncation would cut inside an RRset. Sizes are estimated from the records with name
/// compression against the question (which ARSoft applies), an upper bound of what ARSoft writes.
/// </summary>
internal static class UdpTruncation
{
    private const int HeaderLength = 12;
    private const int OptLength = 11;

    public static void Apply(DnsMessage response, DomainName question, bool edns, int limit)
    {
        var fixedSize = HeaderLength + Uncompressed(question) + 4 + (edns ? OptLength : 0);
        var answer = Sizes(response.AnswerRecords, question);
        var authority = Sizes(response.AuthorityRecords, question);
        var additional = Sizes(response.AdditionalRecords, question);
        if (fixedSize + Sum(answer) + Sum(authority) + Sum(additional) <= limit)
        {
            return;
        }

        response.AdditionalRecords.RemoveAll(r => r.RecordType != ArSoftRecordType.Opt);
        if (fixedSize + Sum(answer) + Sum(authority) <= limit)
        {
            return;
        }

        response.IsTruncated = true;
        response.AuthorityRecords.Clear();
        var size = fixedSize;
        var keep = 0;
        var records = response.AnswerRecords;
        while (keep < records.Count)
        {
            // One RRset: the records from here with the same owner and type (each CNAME is its own).
            var end = keep + 1;
            while (end < records.Count && records[end].RecordType == records[keep].RecordType
                && records[keep].RecordType != ArSoftRecordType.CName && records[end].Name.Equals(records[keep].Name))
            {
                end++;
            }

            var rrset = 0;
            for (var i = keep; i < end; i++)
            {
                rrset += answer[i];
            }

            if (size + rrset > limit)
            {
                break;
            }

            size += rrset;
            keep = end;
        }

        records.RemoveRange(keep, records.Count - keep);
    }

    private static int[] Sizes(List<DnsRecordBase> records, DomainName question)
    {
        var sizes = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            sizes[i] = records[i].RecordType == ArSoftRecordType.Opt ? 0 : Size(records[i], question);
        }

        return sizes;
    }

    private static int Sum(int[] values) => values.Sum();

    private static int Size(DnsRecordBase record, DomainName question) =>
        Compressed(record.Name, question) + 10 + record switch
        {
            ARecord => 4,
            AaaaRecord => 16,
            CNameRecord r => Compressed(r.CanonicalName, question),
            PtrRecord r => Compressed(r.PointerDomainName, question),
            NsRecord r => Compressed(r.NameServer, question),
            MxRecord r => 2 + Compressed(r.ExchangeDomainName, question),
            SrvRecord r => 6 + Uncompressed(r.Target),
            SoaRecord r => Compressed(r.MasterName, question) + Compressed(r.ResponsibleName, question) + 20,
            TxtRecord r => r.TextParts.Sum(p => 1 + p.Length),
            _ => record.ToString().Length,
        };

    private static int Uncompressed(DomainName name) => name.Labels.Sum(l => l.Length + 1) + 1;

    /// <summary>The labels not shared with the end of the question, plus a pointer (or the root) for the rest.</summary>
    private static int Compressed(DomainName name, DomainName question)
    {
        var labels = name.Labels;
        var other = question.Labels;
        var shared = 0;
        while (shared < labels.Length && shared < other.Length
            && string.Equals(labels[^(shared + 1)], other[^(shared + 1)], StringComparison.OrdinalIgnoreCase))
        {
            shared++;
        }

        var length = shared > 0 ? 2 : 1;
        for (var i = 0; i < labels.Length - shared; i++)
        {
            length += labels[i].Length + 1;
        }

        return length;
    }
}
