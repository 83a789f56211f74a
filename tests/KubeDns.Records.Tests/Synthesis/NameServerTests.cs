using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Synthesis;

/// <summary>
/// The name server's addresses (specification.md §7): <see cref="ClusterDnsOptions.NameServerAddresses"/>, else the
/// served addresses of <see cref="ClusterDnsOptions.NameServerService"/>, else 127.0.0.1, so the apex NS record always
/// has an address and the zone is one BIND and Knot load.
/// </summary>
public class NameServerTests
{
    private static readonly KubernetesServiceDescriptor KubeDns = Service("kube-system", "kube-dns", "10.96.0.10", Port("dns", 53, ServiceProtocol.Udp));

    [Fact]
    public void Resolve_NoNameServerService_ApexNsGluedToLoopback()
    {
        var state = new ClusterState();
        state.Apply(new ClusterChangeBatch().Upsert(Service("shop", "cart", "10.96.0.7", Port("http", 80))));
        state.MarkSynced();

        var ns = state.Resolve("cluster.local.", RecordType.NS);
        Assert.Equal("cluster.local. 5 IN NS ns.dns.cluster.local.\n", ns.Answer.ToString());
        Assert.Equal("ns.dns.cluster.local. 5 IN A 127.0.0.1\n", ns.Additional.ToString());
        Assert.Equal("ns.dns.cluster.local. 5 IN A 127.0.0.1\n", state.Resolve("ns.dns.cluster.local.", RecordType.A).Answer.ToString());
        Assert.Equal(ResolutionKind.NoData, state.Resolve("ns.dns.cluster.local.", RecordType.AAAA).Kind);
    }

    [Fact]
    public void Resolve_NameServerServiceArrivesAndGoes_ItsAddressReplacesTheFallback()
    {
        var state = new ClusterState();
        state.MarkSynced();

        state.Apply(new ClusterChangeBatch().Upsert(KubeDns));
        Assert.Equal("ns.dns.cluster.local. 5 IN A 10.96.0.10\n", state.Resolve("ns.dns.cluster.local.", RecordType.A).Answer.ToString());

        state.Apply(new ClusterChangeBatch().Delete(KubeDns.Key));
        Assert.Equal("ns.dns.cluster.local. 5 IN A 127.0.0.1\n", state.Resolve("ns.dns.cluster.local.", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void Resolve_NameServerAddressesGiven_OverrideTheService()
    {
        var state = new ClusterState(new ClusterDnsOptions { NameServerAddresses = { "10.96.0.53", "fd00::53" } });
        state.Apply(new ClusterChangeBatch().Upsert(KubeDns));
        state.MarkSynced();

        Assert.Equal("ns.dns.cluster.local. 5 IN A 10.96.0.53\nns.dns.cluster.local. 5 IN AAAA fd00::53\n", state.Resolve("cluster.local.", RecordType.NS).Additional.ToString());
    }

    [Fact]
    public void WriteZoneFile_NoNameServerService_NsHasGlue()
    {
        var state = new ClusterState();
        state.MarkSynced();
        using var writer = new StringWriter();

        state.Current.WriteZoneFile(writer);

        Assert.Contains("cluster.local. 5 IN NS ns.dns.cluster.local.\nns.dns.cluster.local. 5 IN A 127.0.0.1\n", writer.ToString(), StringComparison.Ordinal);
    }
}
