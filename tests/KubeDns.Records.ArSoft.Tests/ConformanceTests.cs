
namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// Every row of the conformance table (tests/KubeDns.Records.Tests/Conformance) asked with dig through ARSoft's own
/// <see cref="ARSoft.Tools.Net.Dns.DnsServer"/> and the adapter: the status, AA and every section as the core answers.
/// </summary>
public sealed class ConformanceTests(ConformanceServers servers) : IClassFixture<ConformanceServers>
{
    /// <summary>
    /// Cases whose names differ from the core's in letter case only, an ARSoft limit (docs/server.md, "The ARSoft
    /// adapter"): ARSoft's encoder compresses names case-insensitively, so a name whose suffix matches the question's
    /// in another case becomes a pointer into the question and takes its spelling.
    /// </summary>
    private static readonly HashSet<string> CaseInsensitive = new(StringComparer.Ordinal)
    {
        "_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local. SRV", // the glue owner kiada.kiada… is sent as Kiada.Kiada…
        "Quote-Alias.Kiada.svc.cluster.local. A", // the CNAME target and the A owner are sent as quote.Kiada…
        "Quote-Alias.Kiada.svc.Cluster.Local. AAAA", // the CNAME target quote.kiada… as quote.Kiada…
    };

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceServers.Askable)
        {
            data.Add(c.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task Dig_Case_AnswersAsTheCore(string id)
    {
        var c = ConformanceCases.All.Single(x => x.Id == id);
        var expected = c.ExpectedText(ConformanceClusters.Get(c.Setup).Current.Serial);

        var output = await servers.AskAsync(c);

        var comparer = CaseInsensitive.Contains(id) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        Assert.Equal(c.Status, Dig.Status(output));
        Assert.Equal(c.Status != "REFUSED", Dig.Flags(output).Split(' ').Contains("aa"));
        foreach (var section in new[] { "ANSWER", "AUTHORITY", "ADDITIONAL" })
        {
            Assert.Equal(Dig.Section(expected, section), Dig.Section(output, section), comparer);
        }
    }
}
