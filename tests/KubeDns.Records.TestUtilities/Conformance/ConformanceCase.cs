namespace KubeDns.Records.TestUtilities;

/// <summary>
/// One question and the exact answer expected, as zone-file lines (style rule 13). <c>SOA</c> in
/// <see cref="Authority"/> stands for the cluster zone's SOA line of specification.md §14.2 with the snapshot's serial.
/// </summary>
/// <param name="Question">The query name and type, as dig prints them: <c>quote.kiada.svc.cluster.local. A</c>.</param>
/// <param name="Status">NOERROR, NXDOMAIN or SERVFAIL.</param>
/// <param name="Answer">The answer section, in order.</param>
/// <param name="Additional">The additional section, in order.</param>
/// <param name="Authority">The authority section; null means "the SOA when the answer is empty or negative, else nothing".</param>
/// <param name="Setup">Which cluster variant: empty for the default example cluster, else a named variant.</param>
public sealed record ConformanceCase(
    string Question,
    string Status,
    string[] Answer,
    string[]? Additional = null,
    string[]? Authority = null,
    string Setup = "")
{
    public const string Soa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5";

    public string Id => Setup.Length == 0 ? Question : $"{Question} [{Setup}]";

    /// <summary>The query name, as written in <see cref="Question"/>.</summary>
    public string Name => Question[..Question.LastIndexOf(' ')];

    /// <summary>The query type's mnemonic (<c>A</c>, <c>TYPE65280</c>), as dig takes and prints it.</summary>
    public string Type => Question[(Question.LastIndexOf(' ') + 1)..];

    /// <summary>Whether the reply has AA: every reply for a zone we serve; REFUSED is not ours to answer.</summary>
    public bool IsAuthoritative => Status != "REFUSED";

    /// <summary>The answer, authority and additional sections with the snapshot's serial in each SOA line.</summary>
    public (string[] Answer, string[] Authority, string[] Additional) ExpectedSections(uint serial)
    {
        var authority = Authority ?? (Status != "NOERROR" || Answer.Length == 0 ? [Soa] : []);
        return (WithSerial(Answer), WithSerial(authority), WithSerial(Additional ?? []));

        string[] WithSerial(string[] lines) =>
            [.. lines.Select(l => l.Replace("<serial>", serial.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))];
    }

    public string ExpectedText(uint serial)
    {
        var name = Name;
        var type = Type;
        var (answer, authority, additional) = ExpectedSections(serial);

        // The reply as dig prints it (Resolution.ToString): header, flags and counts, question, sections.
        var text = new System.Text.StringBuilder();
        text.Append(";; ->>HEADER<<- opcode: QUERY, status: ").Append(Status).Append('\n');
        text.Append(";; flags: qr").Append(IsAuthoritative ? " aa" : string.Empty)
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"; QUERY: 1, ANSWER: {answer.Length}, AUTHORITY: {authority.Length}, ADDITIONAL: {additional.Length}\n");
        text.Append("\n;; QUESTION SECTION:\n;").Append(name.TrimEnd('.')).Append(".\t\tIN\t").Append(type).Append('\n');
        Section(text, ";; ANSWER SECTION:", answer);
        Section(text, ";; AUTHORITY SECTION:", authority);
        Section(text, ";; ADDITIONAL SECTION:", additional);
        return text.ToString().TrimEnd('\n');

        static void Section(System.Text.StringBuilder text, string heading, string[] lines)
        {
            if (lines.Length > 0)
            {
                text.Append('\n').Append(heading).Append('\n');
                foreach (var line in lines)
                {
                    text.Append(line).Append('\n');
                }
            }
        }
    }
}
