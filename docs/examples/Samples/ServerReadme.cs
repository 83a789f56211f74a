// src/KubeDns.Records.Server/README.md. Compiled, not run: it binds the default endpoint, 127.0.0.1:5353.
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

        await using var server = new NativeDnsServer(cluster, new NativeDnsServerOptions
        {
            Forwarder = new UdpDnsForwarder([new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53)], TimeSpan.FromSeconds(2)),
        });
        await server.StartAsync();
        #endregion
    }
}
