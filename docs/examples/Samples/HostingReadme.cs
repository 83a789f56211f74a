// src/KubeDns.Records.Server.Hosting/README.md: `KubeDnsServer` in a generic host. Run: the host is built, which
// validates the options, but not started, so nothing binds port 53.
#region sample
using System.Net;
#endregion
using KubeDns.Records;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Samples;

internal static class HostingReadme
{
    public static void Run()
    {
        var builder = Host.CreateApplicationBuilder();
        #region sample
        builder.Services.AddKubeDnsRecords()
            .AddKubeDnsServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Any, 53)));
        #endregion
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<ClusterState>();
    }
}
