// docs/server.md: `KubeDnsServer` on its own. Run: it listens on an ephemeral 127.0.0.1 port, answers one
// question of its own, stops, starts again and is disposed at the end.
#region sample
using System.Net;
using KubeDns.Records;
using KubeDns.Records.Server;
#endregion

namespace Samples;

internal static class ServerDocsServer
{
    public static async Task RunAsync()
    {
        #region sample
        var cluster = new ClusterState(new ClusterDnsOptions());
        cluster.Apply(new ClusterChangeBatch()
            .Upsert(new KubernetesServiceDescriptor
            {
                Namespace = "kiada",
                Name = "quote",
                ClusterIPs = ["10.96.161.97"],
                Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
            }));
        cluster.MarkSynced();                       // until then, would-be NXDOMAIN answers are SERVFAIL

        await using var server = new KubeDnsServer(cluster, new KubeDnsServerOptions
        {
            Endpoints = { new IPEndPoint(IPAddress.Loopback, 0) },   // 0: any free port, the same for UDP and TCP
        });
        server.QueryAnswered += (_, e) => Console.WriteLine($"{e.Name} {e.Type} {e.ResponseCode}");
        await server.StartAsync();
        Console.WriteLine($"listening on {server.LocalEndPoint}");   // listening on 127.0.0.1:<port>
        // dig @127.0.0.1 -p <port> quote.kiada.svc.cluster.local

        cluster.Apply(new ClusterChangeBatch()      // visible to the very next query
            .Delete(ObjectKey.ForService("kiada", "quote")));
        await server.StopAsync();                   // closes the sockets and every open TCP connection
        await server.StartAsync();                  // a stopped server starts again, on the same port
        #endregion
    }
}
