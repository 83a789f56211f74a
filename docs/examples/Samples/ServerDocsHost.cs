// docs/server.md, "In a generic host". Compiled, not run: it binds port 53 and runs until the host is stopped.
#region sample
using System.Net;
using KubeDns.Records;
using KubeDns.Records.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
#endregion

namespace Samples;

internal static class ServerDocsHost
{
    public static async Task RunAsync(string[] args)
    {
        #region sample
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services
            .AddKubeDnsRecords(options => options.Ttl = 5)          // validated here: a bad option fails at startup
            .AddArSoftServer(new IPEndPoint(IPAddress.Any, 53), server =>
                server.Upstreams.Add(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53)));
        using var host = builder.Build();

        var cluster = host.Services.GetRequiredService<ClusterState>();
        cluster.Apply(LoadMyCluster());                                // whatever feeds the cluster
        cluster.MarkSynced();
        await host.RunAsync();                                         // starts and stops the server with the host
        #endregion
    }

    // The application's own source of cluster objects (manifests, a live feed …).
    private static ClusterChangeBatch LoadMyCluster() => new();
}
