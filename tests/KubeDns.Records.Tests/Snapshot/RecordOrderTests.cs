
namespace KubeDns.Records.Tests.Snapshot;

/// <summary>specification.md §3 RecordOrder and §6.6: records move only within their RRset; CNAMEs stay first.</summary>
public class RecordOrderTests
{
    private static readonly string[] QuoteHeadless = ["10.244.2.10", "10.244.2.8", "10.244.1.10", "10.244.2.9"];

    [Fact]
    public void Resolve_Deterministic_KeepsTheSameOrderEveryTime()
    {
        var state = ExampleCluster.Create();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(QuoteHeadless, Addresses(state.Resolve("quote-headless.kiada.svc.cluster.local", RecordType.A)));
        }
    }

    [Fact]
    public void Resolve_Rotate_StartsEachQueryOneFurtherAndCyclesThroughAll()
    {
        var state = ExampleCluster.Create(o => o.RecordOrder = RecordOrder.Rotate);

        var firsts = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            var order = Addresses(state.Resolve("quote-headless.kiada.svc.cluster.local", RecordType.A));
            Assert.Equal(QuoteHeadless.Order(), order.Order());
            var start = Array.IndexOf(QuoteHeadless, order[0]);
            Assert.Equal([.. QuoteHeadless[start..], .. QuoteHeadless[..start]], order);
            firsts.Add(order[0]);
        }

        Assert.Equal(4, firsts.Count);
    }

    [Fact]
    public void Resolve_ShuffleWithSeed_IsAPermutationAndReproducible()
    {
        static List<string[]> Run(int seed)
        {
            var state = ExampleCluster.Create(o =>
            {
                o.RecordOrder = RecordOrder.Shuffle;
                o.ShuffleSeed = seed;
            });
            return [.. Enumerable.Range(0, 20).Select(_ => Addresses(state.Resolve("quote-headless.kiada.svc.cluster.local", RecordType.A)))];
        }

        var first = Run(42);
        var again = Run(42);

        Assert.Equal(first, again);
        Assert.All(first, order => Assert.Equal(QuoteHeadless.Order(), order.Order()));
        Assert.True(first.Select(o => string.Join(',', o)).Distinct().Count() > 1, "a shuffle that never changes the order");
    }

    [Fact]
    public void Resolve_ShuffledAny_KeepsEachRRsetTogether()
    {
        var state = ExampleCluster.Create(o => o.RecordOrder = RecordOrder.Shuffle);

        for (var i = 0; i < 10; i++)
        {
            var resolution = state.Resolve("db-headless.data.svc.cluster.local", RecordType.ANY);
            var types = new List<RecordType>();
            foreach (var record in resolution.Answer)
            {
                types.Add(record.Type);
            }

            Assert.Equal([RecordType.A, RecordType.A, RecordType.SRV, RecordType.SRV], types);
        }
    }

    [Fact]
    public void Resolve_ShuffledCnameChase_KeepsTheCnameFirst()
    {
        var state = ExampleCluster.Create(o => o.RecordOrder = RecordOrder.Shuffle);
        state.Apply(new ClusterChangeBatch().Upsert(ExampleCluster.ExternalName("kiada", "hl", "quote-headless.kiada.svc.cluster.local")));

        for (var i = 0; i < 10; i++)
        {
            var resolution = state.Resolve("hl.kiada.svc.cluster.local", RecordType.A);
            Assert.Equal(RecordType.CNAME, resolution.Answer[0].Type);
            Assert.Equal(5, resolution.Answer.Count);
        }
    }

    private static string[] Addresses(Resolution resolution)
    {
        var list = new List<string>();
        foreach (var record in resolution.Answer)
        {
            list.Add(record.GetAddress()!.ToString());
        }

        return [.. list];
    }
}
