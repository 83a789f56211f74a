// docs/live-cluster.md. Runs when KUBECONFIG names an API server (the tool's LiveClusterSampleTests give it a fake
// one); compiled only otherwise.
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
        var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");   // null: ~/.kube/config
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await using var feed = new KubernetesFeed(state, client, new KubernetesFeedOptions { Logger = logger });
        await feed.StartAsync();          // returns at once; the lists and watches run in the background
        await feed.WaitForSyncAsync();    // optional: the state is marked synced after the initial lists
        #endregion
        Console.WriteLine($"synced: {state.Current.ServiceCount} services, {state.Current.IsSynced}");
    }
}
