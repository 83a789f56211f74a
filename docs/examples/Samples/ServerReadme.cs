// src/KubeDns.Records.Server/README.md. Run: on an ephemeral 127.0.0.1 port, disposed at the end.
#region sample
using System.Net;
using KubeDns.Records;
using KubeDns.Records.Server;
#endregion

namespace Samples;

internal static class ServerReadme
{
    public static async Task RunAsync()
    {
        #region sample
        var cluster = new ClusterState(new ClusterDnsOptions());
        // … cluster.Apply(batch); cluster.MarkSynced();

        await using var server = new KubeDnsServer(cluster, new KubeDnsServerOptions
        {
            Endpoints = { new IPEndPoint(IPAddress.Loopback, 0) },   // none given: 127.0.0.1:5353
            Forwarder = new UdpDnsForwarder([new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53)], TimeSpan.FromSeconds(2)),
        });
        await server.StartAsync();
        Console.WriteLine($"listening on {server.LocalEndPoint}");   // listening on 127.0.0.1:<port>
        #endregion
    }
}
