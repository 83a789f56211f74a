using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Snapshot;

/// <summary>specification.md §11: CNAME chains are followed in-zone, at most 10 CNAMEs; longer chains stop with NOERROR.</summary>
public class CnameChainTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(10)]
    public void Resolve_ChainOfAtMostTen_FollowsToTheTarget(int length)
    {
        var state = Chain(length);

        var resolution = state.Resolve("c1.chain.svc.cluster.local.", RecordType.A);

        Assert.Equal(ResponseCode.NoError, resolution.ResponseCode);
        Assert.Equal(length + 1, resolution.Answer.Count);
        Assert.Equal($"c{length}.chain.svc.cluster.local. 5 IN CNAME target.chain.svc.cluster.local.", resolution.Answer[length - 1].ToString());
        Assert.Equal("target.chain.svc.cluster.local. 5 IN A 10.96.9.9", resolution.Answer[length].ToString());
    }

    [Fact]
    public void Resolve_ChainOfEleven_StopsAfterTenCnamesWithNoError()
    {
        var state = Chain(11);

        var resolution = state.Resolve("c1.chain.svc.cluster.local.", RecordType.A);

        Assert.Equal(ResponseCode.NoError, resolution.ResponseCode);
        Assert.Equal(10, resolution.Answer.Count);
        Assert.Equal("c10.chain.svc.cluster.local. 5 IN CNAME c11.chain.svc.cluster.local.", resolution.Answer[9].ToString());
        Assert.True(resolution.Authority.IsEmpty);
        Assert.Null(resolution.ExternalTarget);
    }

    [Fact]
    public void Resolve_ChainEndingOutside_ReportsTheExternalTarget()
    {
        var state = new ClusterState();
        state.Apply(new ClusterChangeBatch()
            .Upsert(ExternalName("chain", "a", "b.chain.svc.cluster.local"))
            .Upsert(ExternalName("chain", "b", "api.example.com.")));
        state.MarkSynced();

        var resolution = state.Resolve("a.chain.svc.cluster.local", RecordType.AAAA);

        Assert.Equal(ResolutionKind.Answer, resolution.Kind);
        Assert.Equal("api.example.com.", resolution.ExternalTarget);
        Assert.Equal("b.chain.svc.cluster.local. 5 IN CNAME api.example.com.", resolution.Answer[1].ToString());
    }

    private static ClusterState Chain(int length)
    {
        var state = new ClusterState();
        var batch = new ClusterChangeBatch().Upsert(Service("chain", "target", "10.96.9.9", Port("http", 80)));
        for (var i = 1; i <= length; i++)
        {
            batch.Upsert(ExternalName("chain", $"c{i}", i == length ? "target.chain.svc.cluster.local" : $"c{i + 1}.chain.svc.cluster.local"));
        }

        state.Apply(batch);
        state.MarkSynced();
        return state;
    }
}
