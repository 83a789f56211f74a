using System.Net;
using KubeDns.Records.Tests.TestData;
using Xunit.Abstractions;

namespace KubeDns.Records.ArSoft.Tests;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Dig_Queries_Print()
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), new KubeDnsServerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        foreach (var args in new[] { new[] { "QuOtE.kiada.svc.Cluster.Local" }, ["_http._tcp.kiada.kiada.svc.cluster.local", "SRV"], ["nope.kiada.svc.cluster.local"], ["time-api.kiada.svc.cluster.local"], ["+tcp", "kube-dns.kube-system.svc.cluster.local", "SRV"], ["+edns=1", "quote.kiada.svc.cluster.local"], ["-c", "CH", "quote.kiada.svc.cluster.local"], ["example.com"], ["+opcode=status", "quote.kiada.svc.cluster.local"] })
        {
            output.WriteLine(string.Join(' ', args));
            output.WriteLine(await Dig.RunAsync(server.LocalEndPoint!, args));
        }
    }
}
