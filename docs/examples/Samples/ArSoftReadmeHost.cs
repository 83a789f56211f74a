// src/KubeDns.Records.ArSoft/README.md, "With a generic host". Run: the host is built, which validates the
// options, but not started, so nothing binds port 53.
#region sample
using System.Net;
#endregion
using KubeDns.Records;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Samples;

internal static class ArSoftReadmeHost
{
    public static void Run()
    {
        var builder = Host.CreateApplicationBuilder();
        #region sample
        builder.Services.AddKubeDnsRecords(o => o.Ttl = 5)
            .AddArSoftServer(new IPEndPoint(IPAddress.Any, 53), o => o.Upstreams.Add(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53)));
        #endregion
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<ClusterState>();
    }
}
