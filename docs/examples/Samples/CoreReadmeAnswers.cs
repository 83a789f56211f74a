// src/KubeDns.Records/README.md: an answer kept as ordinary objects, for tests and tools.
#region sample
using KubeDns.Records;
#endregion

namespace Samples;

internal static class CoreReadmeAnswers
{
    public static void Run()
    {
        var cluster = new ClusterState(new ClusterDnsOptions());
        cluster.Apply(new ClusterChangeBatch().Upsert(new KubernetesServiceDescriptor
        {
            Namespace = "kiada",
            Name = "quote",
            ClusterIPs = ["10.96.161.97"],
            Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
        }));
        cluster.MarkSynced();

        #region sample
        ResolvedAnswer answer = cluster.Resolve("quote.kiada.svc.cluster.local", RecordType.A).ToAnswer();

        Console.WriteLine(answer.ResponseCode);                          // NoError
        foreach (var record in answer.Answer)
        {
            Console.WriteLine(record);                                   // quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97
            Console.WriteLine($"{record.Type} {record.Data}");           // A 10.96.161.97
        }
        #endregion
    }
}
