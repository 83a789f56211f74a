
namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// Names at the DNS limits (RFC 1035 §2.3.4) over the network, asked with dig over UDP and TCP: a 100-character
/// cluster zone, a 63-character namespace and service, and an endpoint whose 63-character hostname makes its name
/// 298 octets. Both transports give the same answer: NOERROR, AA, the SRV record of the endpoint that fits.
/// </summary>
public abstract class NameLimitTests(Engine engine)
{
    private static readonly string Label63 = new('n', 63);
    private static readonly string Zone = new string('k', 49) + "." + new string('c', 50);
    private static readonly string Service = $"{Label63}.{Label63}.svc.{Zone}";

    [Fact]
    public async Task Srv_TargetOver255Octets_SameAnswerOverUdpAndTcp()
    {
        var state = new ClusterState(new ClusterDnsOptions { Zones = { [0] = Zone } });
        state.Apply(new ClusterChangeBatch()
            .Upsert(ExampleCluster.Service(Label63, Label63, KubernetesServiceDescriptor.None, ExampleCluster.Port("http", 80)))
            .Upsert(ExampleCluster.Slice(Label63, "long-x1", Label63, [ExampleCluster.SlicePort("http", 80)],
                ExampleCluster.Endpoint("10.244.0.1", "p-0") with { Hostname = "a" },
                ExampleCluster.Endpoint("10.244.0.2", "p-1") with { Hostname = new string('h', 63) })));
        state.MarkSynced();
        await using var server = await TestServers.StartAsync(engine, state);

        var udp = await Dig.RunAsync(server.LocalEndPoint!, "+notcp", "+ignore", Service, "SRV");
        var tcp = await Dig.RunAsync(server.LocalEndPoint!, "+tcp", Service, "SRV");

        foreach (var output in new[] { udp, tcp })
        {
            Assert.Equal("NOERROR", Dig.Status(output));
            Assert.Contains("aa", Dig.Flags(output).Split(' '));
            Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
            Assert.Equal([$"{Service}. 5 IN SRV 0 100 80 a.{Service}."], Dig.Section(output, "ANSWER"));
            Assert.Equal([$"a.{Service}. 5 IN A 10.244.0.1"], Dig.Section(output, "ADDITIONAL"));
        }
    }
}

/// <summary><see cref="NameLimitTests"/> on the native engine.</summary>
public sealed class NativeNameLimitTests() : NameLimitTests(Engine.Native);
