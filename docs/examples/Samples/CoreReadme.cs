// src/KubeDns.Records/README.md: an answer printed as dig prints it.
#region sample
using KubeDns.Records;
#endregion

namespace Samples;

internal static class CoreReadme
{
    public static void Run()
    {
        #region sample
        var cluster = new ClusterState(new ClusterDnsOptions());
        cluster.Apply(new ClusterChangeBatch().Upsert(new KubernetesServiceDescriptor
        {
            Namespace = "kiada",
            Name = "quote",
            ClusterIPs = ["10.96.161.97"],
            Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
        }));
        cluster.MarkSynced();

        var answer = cluster.Resolve("_http._tcp.quote.kiada.svc.cluster.local.", RecordType.SRV);
        Console.WriteLine(answer);
        // ;; ->>HEADER<<- opcode: QUERY, status: NOERROR
        // ;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
        //
        // ;; QUESTION SECTION:
        // ;_http._tcp.quote.kiada.svc.cluster.local. IN SRV
        //
        // ;; ANSWER SECTION:
        // _http._tcp.quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 quote.kiada.svc.cluster.local.
        //
        // ;; ADDITIONAL SECTION:
        // quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97

        var srv = answer.Answer[0];
        Console.WriteLine($"{srv.Target} port {srv.Port}");              // quote.kiada.svc.cluster.local. port 80
        #endregion
    }
}
