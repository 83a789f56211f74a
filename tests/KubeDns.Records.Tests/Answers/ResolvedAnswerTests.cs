using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Answers;

/// <summary>
/// <see cref="Resolution.ToAnswer"/>: the allocation-free view copied into ordinary objects that a test or a tool can
/// keep, compare and print after the query and the snapshot are gone.
/// </summary>
public class ResolvedAnswerTests
{
    [Fact]
    public void ToAnswer_ServiceA_CopiesHeaderAndRecords()
    {
        var answer = Create().Resolve("Quote.Kiada.svc.cluster.local.", RecordType.A).ToAnswer();

        Assert.Equal("Quote.Kiada.svc.cluster.local", answer.QueryName);
        Assert.Equal(RecordType.A, answer.QueryType);
        Assert.Equal(ResolutionKind.Answer, answer.Kind);
        Assert.Equal(ResponseCode.NoError, answer.ResponseCode);
        Assert.True(answer.IsAuthoritative);
        Assert.Equal([new ResolvedRecord("Quote.Kiada.svc.cluster.local.", 5, RecordType.A, "10.96.161.97")], answer.Answer);
        Assert.Empty(answer.Authority);
        Assert.Empty(answer.Additional);
    }

    [Fact]
    public void ToAnswer_Record_ToStringIsTheDigLine()
    {
        var record = Assert.Single(Create().Resolve("quote.kiada.svc.cluster.local", RecordType.A).ToAnswer().Answer);

        Assert.Equal("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97", record.ToString());
        Assert.Equal("10.96.161.97", record.Data);
    }

    [Fact]
    public void ToAnswer_SrvWithGlue_KeepsSectionsAndOrder()
    {
        var answer = Create().Resolve("kiada.kiada.svc.cluster.local", RecordType.SRV).ToAnswer();

        Assert.Equal(
            ["kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 80 kiada.kiada.svc.cluster.local.", "kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 443 kiada.kiada.svc.cluster.local."],
            answer.Answer.Select(r => r.ToString()));
        Assert.Equal(["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"], answer.Additional.Select(r => r.ToString()));
    }

    [Fact]
    public void ToAnswer_NameError_HasTheSoaInAuthority()
    {
        var answer = Create().Resolve("nope.kiada.svc.cluster.local", RecordType.A).ToAnswer();

        Assert.Equal(ResponseCode.NameError, answer.ResponseCode);
        Assert.Empty(answer.Answer);
        var soa = Assert.Single(answer.Authority);
        Assert.Equal(("cluster.local.", RecordType.SOA), (soa.Name, soa.Type));
        Assert.StartsWith("ns.dns.cluster.local. hostmaster.cluster.local. ", soa.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void ToAnswer_ToString_EqualsTheResolutionsDigText()
    {
        var resolution = Create().Resolve("kiada.kiada.svc.cluster.local", RecordType.SRV);

        Assert.Equal(resolution.ToString(), resolution.ToAnswer().ToString());
    }

    [Fact]
    public void ToAnswer_AfterTheStateChanges_StillHoldsTheOldAnswer()
    {
        var state = Create();
        var answer = state.Resolve("quote.kiada.svc.cluster.local", RecordType.A).ToAnswer();

        state.Apply(new ClusterChangeBatch().Delete(ObjectKey.ForService("kiada", "quote")));

        Assert.Equal(ResponseCode.NameError, state.Resolve("quote.kiada.svc.cluster.local", RecordType.A).ResponseCode);
        Assert.Equal("quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97", Assert.Single(answer.Answer).ToString());
    }
}
