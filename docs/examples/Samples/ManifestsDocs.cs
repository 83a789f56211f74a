// docs/manifests.md: loading manifests with options. Run from docs/examples, where cluster/ is the example cluster.
#region sample
using KubeDns.Records;
using KubeDns.Records.Kubernetes;
#endregion

namespace Samples;

internal static class ManifestsDocs
{
    public static void Run()
    {
        #region sample
        var manifest = ClusterManifest.Load(["cluster/"], new ManifestOptions());
        var cluster = new ClusterState(new ClusterDnsOptions());
        manifest.ApplyTo(cluster);          // everything or nothing
        cluster.MarkSynced();
        #endregion
    }
}
