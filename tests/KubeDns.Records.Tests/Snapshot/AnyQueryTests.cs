using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Snapshot;

/// <summary>
/// ANY answers every RRset a name owns (specification.md §4); the additional section only adds what the answer does
/// not already hold (RFC 1034 §4.3.2 step 6, RFC 2181 §5.5: a record appears once in a response).
/// </summary>
public class AnyQueryTests
{
    [Theory]
    [InlineData("kiada.kiada.svc.cluster.local", "kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108|kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 80 kiada.kiada.svc.cluster.local.|kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 443 kiada.kiada.svc.cluster.local.", "")]
    [InlineData("db-0.db-headless.data.svc.cluster.local", "db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5|db-0.db-headless.data.svc.cluster.local. 5 IN SRV 0 100 5432 db-0.db-headless.data.svc.cluster.local.", "")]
    [InlineData("db-headless.data.svc.cluster.local", "db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5|db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6|db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.|db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.data.svc.cluster.local.", "db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5|db-1.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6")]
    [InlineData("quote-alias.kiada.svc.cluster.local", "quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.|quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97|quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 quote.kiada.svc.cluster.local.", "")]
    public void Resolve_Any_AdditionalHoldsNoAnswerRecord(string name, string answer, string additional)
    {
        var state = Create();

        var resolution = state.Resolve(name, RecordType.ANY);

        Assert.Equal(Lines(answer), Lines(resolution.Answer.ToString()));
        Assert.Equal(Lines(additional), Lines(resolution.Additional.ToString()));
    }

    [Fact]
    public void Resolve_Srv_StillGluesTheTargetItself()
    {
        var state = Create();

        var resolution = state.Resolve("kiada.kiada.svc.cluster.local", RecordType.SRV);

        Assert.Equal("kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108\n", resolution.Additional.ToString());
    }

    private static string[] Lines(string text) => text.Split(['|', '\n'], StringSplitOptions.RemoveEmptyEntries);
}
