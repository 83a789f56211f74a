// docs/server.md, the ARSoft adapter in a generic host. Run: on an ephemeral 127.0.0.1 port (a real deployment
// gives 0.0.0.0:53), started and stopped.
#region sample
using System.Net;
using KubeDns.Records;
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
            .AddKubeDnsRecords(options => options.Ttl = 5)          // validated here: a bad option fails at startup
            .AddArSoftServer(new IPEndPoint(IPAddress.Loopback, 0), server =>
                server.Upstreams.Add(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53)));
        using var host = builder.Build();

        var cluster = host.Services.GetRequiredService<ClusterState>();
        cluster.Apply(LoadMyCluster());                                // whatever feeds the cluster
        cluster.MarkSynced();
        await host.StartAsync();                                       // RunAsync() to run until the host stops
        #endregion
        await host.StopAsync();
    }

    // The application's own source of cluster objects (manifests, a live feed …).
    private static ClusterChangeBatch LoadMyCluster() => new();
}
