// README.md: the library on its own.
#region sample
using KubeDns.Records;
#endregion

namespace Samples;

internal static class Readme
{
    public static void Run()
    {
        #region sample
        var cluster = new ClusterState(new ClusterDnsOptions());          // zone cluster.local., TTL 5
        cluster.Apply(new ClusterChangeBatch()
            .Upsert(new KubernetesServiceDescriptor
            {
                Namespace = "kiada",
                Name = "quote",
                ClusterIPs = ["10.96.161.97"],
                Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
            }));
        cluster.MarkSynced();                                             // initial load complete: NXDOMAIN is now final

        var answer = cluster.Resolve("quote.kiada.svc.cluster.local.", RecordType.A);
        Console.WriteLine(answer.ResponseCode);                           // NoError
        foreach (var record in answer.Answer)
            Console.WriteLine(record);                                    // quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97
        #endregion
    }
}
