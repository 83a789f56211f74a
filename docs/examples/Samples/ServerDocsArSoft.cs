// docs/server.md, "The ARSoft adapter": the handler on an ARSoft DnsServer beside a zone of the program's own. Run: it
// listens on a free 127.0.0.1 port (a real deployment gives 0.0.0.0:53) and is stopped at the end.
#region sample
using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using KubeDns.Records;
using KubeDns.Records.ArSoft;
#endregion
using System.Net.Sockets;

namespace Samples;

internal static class ServerDocsArSoft
{
    public static Task RunAsync()
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

        // FallThrough: names outside the cluster zones are left to the program (Respond returns null for them).
        var kube = new KubeDnsQueryHandler(cluster, new KubeDnsQueryHandlerOptions { FallThrough = true });
        #endregion
        var endpoint = FreeEndPoint();
        #region sample
        var server = new DnsServer(new UdpServerTransport(endpoint), new TcpServerTransport(endpoint));
        server.QueryReceived += (_, e) =>
        {
            // One handler, so the order is the program's: ARSoft runs several handlers at once and the last
            // Response set wins.
            e.Response = kube.Respond(e.Query, e.TransportProtocol) ?? MyZone(e.Query);
            return Task.CompletedTask;
        };
        server.Start();
        // dig @127.0.0.1 -p <port> quote.kiada.svc.cluster.local   → 10.96.161.97, from the cluster
        // dig @127.0.0.1 -p <port> www.example.com                 → 192.0.2.1, from MyZone

        static DnsMessage? MyZone(DnsMessageBase query)
        {
            if (query is not DnsMessage { Questions: [var question] } message
                || !question.Name.IsEqualOrSubDomainOf(DomainName.Parse("example.com")))
            {
                return null;                        // ARSoft answers SERVFAIL when no handler sets Response
            }

            var response = message.CreateResponseInstance();
            response.AnswerRecords.Add(new ARecord(question.Name, 60, IPAddress.Parse("192.0.2.1")));
            return response;
        }
        #endregion

        cluster.Apply(new ClusterChangeBatch()      // visible to the very next query
            .Delete(ObjectKey.ForService("kiada", "quote")));
        try
        {
            server.Stop();
        }
        catch (AggregateException)
        {
            // ARSoft's Stop right after Start may throw while its loops start (docs/server.md).
        }

        return Task.CompletedTask;
    }

    private static IPEndPoint FreeEndPoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }
}
