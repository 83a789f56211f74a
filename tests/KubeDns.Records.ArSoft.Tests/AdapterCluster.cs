
namespace KubeDns.Records.ArSoft.Tests;

/// <summary>The example cluster of specification.md §14.1 plus headless services sized for truncation.</summary>
internal static class AdapterCluster
{
    /// <summary>A headless service with 40 ready endpoints (10.210.0.1 …): 700 bytes as an A answer, over 512, under 1232.</summary>
    public const string Forty = "forty.load.svc.cluster.local";

    /// <summary>A headless service with 200 ready endpoints (10.211.0.1 …): over 1232 bytes as an A answer.</summary>
    public const string TwoHundred = "twohundred.load.svc.cluster.local";

    /// <summary>
    /// A headless service with 18 ready endpoints (10.212.0.1 …): its SRV answer fits in 1232 bytes, its glue A
    /// records do not.
    /// </summary>
    public const string Eighteen = "eighteen.load.svc.cluster.local";

    public static ClusterState Create(bool synced = true)
    {
        var state = ExampleCluster.Create(synced: synced);
        var batch = new ClusterChangeBatch().Upsert(new NamespaceDescriptor { Name = "load" });
        foreach (var (name, count, octet) in new[] { ("forty", 40, 210), ("twohundred", 200, 211), ("eighteen", 18, 212) })
        {
            batch.Upsert(ExampleCluster.Service("load", name, KubernetesServiceDescriptor.None, ExampleCluster.Port("http", 80)));
            var endpoints = Enumerable.Range(1, count).Select(i => ExampleCluster.Endpoint($"10.{octet}.{i / 256}.{i % 256}", $"{name}-{i}")).ToArray();
            batch.Upsert(ExampleCluster.Slice("load", $"{name}-1", name, [ExampleCluster.SlicePort("http", 80)], endpoints));
        }

        state.Apply(batch);
        return state;
    }
}
