// src/KubeDns.Records.ArSoft/README.md. Compiled, not run: it binds 127.0.0.1:5353.
#region sample
using System.Net;
using KubeDns.Records;
using KubeDns.Records.ArSoft;
#endregion

namespace Samples;

internal static class ArSoftReadme
{
    public static async Task RunAsync()
    {
        #region sample
        var cluster = new ClusterState(new ClusterDnsOptions());
        // … cluster.Apply(batch); cluster.MarkSynced();

        await using var server = new KubeDnsServer(cluster, new KubeDnsServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 5353),
        });
        await server.StartAsync();
        // dig @127.0.0.1 -p 5353 quote.kiada.svc.cluster.local
        #endregion
    }
}
