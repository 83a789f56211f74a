// src/KubeDns.Records.DependencyInjection/README.md: the cluster state as a service.
#region sample
using KubeDns.Records;
using Microsoft.Extensions.DependencyInjection;
#endregion

namespace Samples;

internal static class DependencyInjectionReadme
{
    public static void Run()
    {
        #region sample
        var services = new ServiceCollection();
        services.AddKubeDnsRecords(options =>
        {
            options.Ttl = 10;
            options.Zones.Add("corp.example.");
        });

        using var provider = services.BuildServiceProvider();
        var cluster = provider.GetRequiredService<ClusterState>();   // one per container
        Console.WriteLine(cluster.Resolve("corp.example.", RecordType.SOA).Answer[0].TimeToLive);   // 10
        #endregion
    }
}
