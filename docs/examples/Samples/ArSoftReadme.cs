// src/KubeDns.Records.ArSoft/README.md. Run: on an ephemeral 127.0.0.1 port, disposed at the end.
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

        await using var server = new ArSoftServer(cluster, new ArSoftServerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),   // 0: any free port; 5353 for dig by hand
        });
        await server.StartAsync();
        Console.WriteLine($"listening on {server.LocalEndPoint}");   // listening on 127.0.0.1:<port>
        // dig @127.0.0.1 -p <port> quote.kiada.svc.cluster.local
        #endregion
    }
}
