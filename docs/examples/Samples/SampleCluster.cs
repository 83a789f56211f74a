using KubeDns.Records;

namespace Samples;

/// <summary>The context several samples take as given, outside their shown regions: a synced cluster with kiada/quote.</summary>
internal static class SampleCluster
{
    /// <summary>The Service kiada/quote, 10.96.161.97, port http 80.</summary>
    public static ClusterChangeBatch Quote() => new ClusterChangeBatch().Upsert(new KubernetesServiceDescriptor
    {
        Namespace = "kiada",
        Name = "quote",
        ClusterIPs = ["10.96.161.97"],
        Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
    });

    /// <summary>A synced cluster holding <see cref="Quote"/>.</summary>
    public static ClusterState Synced()
    {
        var cluster = new ClusterState(new ClusterDnsOptions());
        cluster.Apply(Quote());
        cluster.MarkSynced();
        return cluster;
    }
}
