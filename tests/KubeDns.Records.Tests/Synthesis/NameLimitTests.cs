using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Synthesis;

/// <summary>
/// Names at the DNS limits: a label holds 63 octets and a name 255 (RFC 1035 §2.3.4). A record whose owner or
/// target cannot be encoded does not exist: not in answers, not in the export, not as the parent that makes an
/// empty non-terminal (RFC 8020). Each name left out is reported once, naming the object and the field.
/// </summary>
public class NameLimitTests
{
    private static readonly string Port63 = new('p', 63);
    private static readonly string Label63 = new('n', 63);

    /// <summary>A 100-character cluster zone: <c>svc.ns.svc.Z</c> fits with 63-character names, their endpoints do not.</summary>
    private static readonly string LongZone = new string('k', 49) + "." + new string('c', 50);

    [Fact]
    public void Resolve_PortName63Characters_IsNoNameAndNoParent()
    {
        var state = new ClusterState();
        var warnings = Collect(state);
        state.Apply(new ClusterChangeBatch().Upsert(Service("shop", "cart", "10.96.0.7", Port(Port63, 8080), Port("metrics", 9090, ServiceProtocol.Udp))));
        state.MarkSynced();

        Assert.Equal(ResponseCode.NameError, state.Resolve($"_{Port63}._tcp.cart.shop.svc.cluster.local", RecordType.SRV).ResponseCode);
        Assert.Equal(ResponseCode.NameError, state.Resolve("_tcp.cart.shop.svc.cluster.local", RecordType.A).ResponseCode);
        Assert.Equal(ResolutionKind.NoData, state.Resolve("_udp.cart.shop.svc.cluster.local", RecordType.A).Kind);
        Assert.Equal(
            "cart.shop.svc.cluster.local. 5 IN SRV 0 50 8080 cart.shop.svc.cluster.local.\ncart.shop.svc.cluster.local. 5 IN SRV 0 50 9090 cart.shop.svc.cluster.local.\n",
            state.Resolve("cart.shop.svc.cluster.local", RecordType.SRV).Answer.ToString());
        Assert.DoesNotContain($"_{Port63}", Export(state), StringComparison.Ordinal);

        var warning = Assert.Single(warnings);
        Assert.Equal(ObjectKey.ForService("shop", "cart"), warning.Key);
        Assert.StartsWith($"Service shop/cart: spec.ports[0].name: '{Port63}': _{Port63}._tcp.cart.shop.svc.cluster.local. has a 64-octet label", warning.Message, StringComparison.Ordinal);
        Assert.Equal([warning.Message], state.Current.Warnings.Select(w => w.Message));
    }

    [Fact]
    public void Apply_SameSkippedPortAgain_ReportsItOnce()
    {
        var state = new ClusterState();
        var warnings = Collect(state);
        var cart = Service("shop", "cart", "10.96.0.7", Port(Port63, 8080));

        state.Apply(new ClusterChangeBatch().Upsert(cart));
        state.Apply(new ClusterChangeBatch().Upsert(cart with { ClusterIPs = ["10.96.0.8"] }));
        state.MarkSynced();

        Assert.Single(warnings);
        Assert.Single(state.Current.Warnings);
        state.Apply(new ClusterChangeBatch().Upsert(cart with { Ports = [Port("http", 80)] }));
        Assert.Empty(state.Current.Warnings);
    }

    [Fact]
    public void Resolve_HeadlessSlicePortName63Characters_NamesTheSlice()
    {
        var state = new ClusterState();
        var warnings = Collect(state);
        state.Apply(new ClusterChangeBatch()
            .Upsert(Service("data", "db", KubernetesServiceDescriptor.None, Port("pg", 5432)))
            .Upsert(Slice("data", "db-x1", "db", [SlicePort(Port63, 5432)], Endpoint("10.244.0.5", "db-0") with { Hostname = "db-0" })));
        state.MarkSynced();

        Assert.Equal(ResponseCode.NameError, state.Resolve("_tcp.db.data.svc.cluster.local", RecordType.A).ResponseCode);
        Assert.Equal("db.data.svc.cluster.local. 5 IN SRV 0 100 5432 db-0.db.data.svc.cluster.local.\n", state.Resolve("db.data.svc.cluster.local", RecordType.SRV).Answer.ToString());
        var warning = Assert.Single(warnings);
        Assert.StartsWith($"EndpointSlice data/db-x1: ports[0].name: '{Port63}': ", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// In a 100-character zone, <c>&lt;63&gt;.&lt;63&gt;.svc.Z</c> is 232 characters: an endpoint named <c>a</c> fits
    /// (234), one with a 63-character hostname (296) does not. Its SRV record is left out and the weight counts the
    /// records sent; its address still answers at the service name, whose owner fits.
    /// </summary>
    [Fact]
    public void Resolve_EndpointNameOver255Octets_IsLeftOutOfSrvAndExport()
    {
        var state = new ClusterState(new ClusterDnsOptions { Zones = { [0] = LongZone } });
        var warnings = Collect(state);
        state.Apply(new ClusterChangeBatch()
            .Upsert(Service(Label63, Label63, KubernetesServiceDescriptor.None, Port("http", 80)))
            .Upsert(Slice(Label63, "long-x1", Label63, [SlicePort("http", 80)],
                Endpoint("10.244.0.1", "p-0") with { Hostname = "a" },
                Endpoint("10.244.0.2", "p-1") with { Hostname = new string('h', 63) })));
        state.MarkSynced();
        var service = $"{Label63}.{Label63}.svc.{LongZone}.";

        var srv = state.Resolve(service, RecordType.SRV);
        Assert.Equal($"{service} 5 IN SRV 0 100 80 a.{service}\n", srv.Answer.ToString());
        Assert.Equal($"a.{service} 5 IN A 10.244.0.1\n", srv.Additional.ToString());
        Assert.Equal($"{service} 5 IN A 10.244.0.1\n{service} 5 IN A 10.244.0.2\n", state.Resolve(service, RecordType.A).Answer.ToString());
        Assert.Equal($"_http._tcp.{service} 5 IN SRV 0 100 80 a.{service}\n", state.Resolve("_http._tcp." + service, RecordType.SRV).Answer.ToString());
        Assert.Equal("", state.Resolve("2.0.244.10.in-addr.arpa", RecordType.PTR).Answer.ToString());

        var export = Export(state, LongZone);
        Assert.DoesNotContain(new string('h', 63), export, StringComparison.Ordinal);
        Assert.All(export.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.True(line.Split(' ')[0].Length <= 254, line));

        var warning = Assert.Single(warnings);
        Assert.Equal(ObjectKey.ForEndpointSlice(Label63, "long-x1"), warning.Key);
        Assert.Contains($"endpoints[1].hostname: '{new string('h', 63)}': ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("is 298 octets", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ServiceNameOver255Octets_HasNoNames()
    {
        var zone = new string('z', 63) + "." + new string('y', 63);
        var state = new ClusterState(new ClusterDnsOptions { Zones = { [0] = zone } });
        var warnings = Collect(state);
        state.Apply(new ClusterChangeBatch().Upsert(Service(Label63, Label63, "10.96.0.9", Port("http", 80))));
        state.MarkSynced();

        Assert.Equal(ResponseCode.NameError, state.Resolve($"{Label63}.{Label63}.svc.{zone}", RecordType.A).ResponseCode);
        Assert.Equal(ResolutionKind.NoData, state.Resolve($"{Label63}.svc.{zone}", RecordType.A).Kind);
        Assert.Equal("", state.Resolve("9.0.96.10.in-addr.arpa", RecordType.PTR).Answer.ToString());
        Assert.DoesNotContain($"{Label63}.{Label63}", Export(state, zone), StringComparison.Ordinal);
        var warning = Assert.Single(warnings);
        Assert.StartsWith($"Service {Label63}/{Label63}: metadata.name: '{Label63}': ", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// In a 191-character zone, <c>&lt;63&gt;.svc.Z</c> is 259 characters: the namespace has no names at all, so its
    /// name is NXDOMAIN rather than an empty non-terminal, and it is reported once until it goes away.
    /// </summary>
    [Fact]
    public void Resolve_NamespaceNameOver255Octets_DoesNotExistAndIsReportedOnce()
    {
        var zone = string.Join('.', new string('x', 63), new string('y', 63), new string('z', 63));
        var state = new ClusterState(new ClusterDnsOptions { Zones = { [0] = zone } });
        var warnings = Collect(state);
        state.Apply(new ClusterChangeBatch().Upsert(new NamespaceDescriptor { Name = Label63 }).Upsert(new NamespaceDescriptor { Name = "a" }));
        state.Apply(new ClusterChangeBatch().Upsert(Service("a", "b", "10.96.0.9", Port("http", 80))));
        state.MarkSynced();

        Assert.Equal(ResponseCode.NameError, state.Resolve($"{Label63}.svc.{zone}", RecordType.A).ResponseCode);
        Assert.Equal(ResolutionKind.NoData, state.Resolve($"a.svc.{zone}", RecordType.A).Kind);
        var warning = Assert.Single(warnings);
        Assert.Equal(ObjectKey.ForNamespace(Label63), warning.Key);
        Assert.StartsWith($"Namespace {Label63}: metadata.name: '{Label63}': {Label63}.svc.{zone}. is 261 octets", warning.Message, StringComparison.Ordinal);
        Assert.Equal([warning.Message], state.Current.Warnings.Select(w => w.Message));

        state.Apply(new ClusterChangeBatch().Delete(ObjectKey.ForNamespace(Label63)));
        Assert.Empty(state.Current.Warnings);
        Assert.Single(warnings);
    }

    private static List<ClusterWarning> Collect(ClusterState state)
    {
        var warnings = new List<ClusterWarning>();
        state.Warning += (_, warning) => warnings.Add(warning);
        return warnings;
    }

    private static string Export(ClusterState state, string? zone = null)
    {
        using var writer = new StringWriter();
        state.Current.WriteZoneFile(writer, zone);
        return writer.ToString();
    }
}
