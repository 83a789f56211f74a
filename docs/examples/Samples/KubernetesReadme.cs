// src/KubeDns.Records.Kubernetes/README.md: manifests in, a cluster out. Run from docs/examples, where cluster/ is
// the example cluster.
#region sample
using KubeDns.Records;
using KubeDns.Records.Kubernetes;
#endregion

namespace Samples;

internal static class KubernetesReadme
{
    public static void Run()
    {
        #region sample
        var manifest = ClusterManifest.Load(["cluster/"]);   // files and folders; YAML or JSON; kind: List
        foreach (var warning in manifest.Warnings)
            Console.Error.WriteLine(warning);                  // e.g. a cluster IP allocated for a Service without one

        var cluster = new ClusterState(new ClusterDnsOptions());
        manifest.ApplyTo(cluster);                             // atomic; errors name file, document, object and field
        cluster.MarkSynced();

        var answer = cluster.Resolve("quote.kiada.svc.cluster.local.", RecordType.A);
        Console.WriteLine(answer.Answer[0]);                   // quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97
        #endregion
    }
}
