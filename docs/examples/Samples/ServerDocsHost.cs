// docs/server.md: `KubeDnsServer` in a generic host. Run: on an ephemeral 127.0.0.1 port (a real deployment
// gives 0.0.0.0:53), started, its bound endpoint read from the container, stopped.
#region sample
using System.Net;
using KubeDns.Records;
using KubeDns.Records.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
#endregion

namespace Samples;

internal static class ServerDocsHost
{
    public static async Task RunAsync()
    {
        var args = Array.Empty<string>();
        #region sample
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services
            .AddKubeDnsRecords(options => options.Ttl = 5)          // validated at host start: a bad option stops it
            .AddKubeDnsServer(server =>
            {
                server.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
                server.Forwarder = new UdpDnsForwarder([new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53)], TimeSpan.FromSeconds(2));
            });
        using var host = builder.Build();

        var cluster = host.Services.GetRequiredService<ClusterState>();
        cluster.Apply(LoadMyCluster());                             // whatever feeds the cluster
        cluster.MarkSynced();
        await host.StartAsync();                                    // starts the server; StopAsync stops it
        var bound = host.Services.GetRequiredService<KubeDnsServer>().LocalEndPoint;
        Console.WriteLine($"listening on {bound}");                 // listening on 127.0.0.1:<port>
        #endregion
        await host.StopAsync();
    }

    private static ClusterChangeBatch LoadMyCluster() => SampleCluster.Quote();
}
