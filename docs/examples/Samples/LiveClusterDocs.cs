// docs/live-cluster.md. Compiled, not run: it needs a Kubernetes API server (the Kubernetes tests run the feed
// against a fake one).
#region sample
using k8s;
using KubeDns.Records;
using KubeDns.Records.Kubernetes;
#endregion
using Microsoft.Extensions.Logging;

namespace Samples;

internal static class LiveClusterDocs
{
    public static async Task RunAsync(ILogger logger)
    {
        #region sample
        var state = new ClusterState(new ClusterDnsOptions());
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile());
        await using var feed = new KubernetesFeed(state, client, new KubernetesFeedOptions { Logger = logger });
        await feed.StartAsync();          // returns at once; the lists and watches run in the background
        await feed.WaitForSyncAsync();    // optional: the state is marked synced after the initial lists
        #endregion
    }
}
