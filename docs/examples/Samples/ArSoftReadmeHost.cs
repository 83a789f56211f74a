// src/KubeDns.Records.ArSoft/README.md, "With a generic host". Run: the host is built and the handler created from
// the container, which validates the options; the server is never started.
#region sample
using ARSoft.Tools.Net.Dns;
using KubeDns.Records.ArSoft;
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
            .AddArSoftQueryHandler(o => o.FallThrough = true);   // names outside the cluster: your own handlers
        #endregion
        var server = new DnsServer(new UdpServerTransport(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)));   // yours; never started here
        #region sample
        using var host = builder.Build();
        server.QueryReceived += host.Services.GetRequiredService<KubeDnsQueryHandler>().OnQueryReceivedAsync;
        #endregion
    }
}
