// src/KubeDns.Records.ArSoft/README.md: the handler on an ARSoft DnsServer of your own. Run: the server listens on a
// free 127.0.0.1 port and is stopped at the end. ArSoftReadmeTests (tests/KubeDns.Records.ArSoft.Tests) runs Serve
// and asks it with dig.
#region sample
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.ArSoft;
#endregion
using System.Net;
using System.Net.Sockets;
using KubeDns.Records;

namespace Samples;

internal static class ArSoftReadme
{
    public static Task RunAsync()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)probe.Client.LocalEndPoint!;
        probe.Dispose();
        var server = Serve(SampleCluster.Synced(), endpoint);
        try
        {
            server.Stop();
        }
        catch (AggregateException)
        {
            // ARSoft's Stop right after Start may throw while its loops start (docs/server.md, "The ARSoft adapter").
        }

        return Task.CompletedTask;
    }

    /// <summary>The README's snippet: an ARSoft server of the caller's, answered by KubeDns.</summary>
    public static DnsServer Serve(ClusterState cluster, IPEndPoint endpoint)
    {
        #region sample
        var server = new DnsServer(new UdpServerTransport(endpoint), new TcpServerTransport(endpoint));
        server.QueryReceived += new KubeDnsQueryHandler(cluster).OnQueryReceivedAsync;
        server.Start();
        #endregion
        return server;
    }
}
