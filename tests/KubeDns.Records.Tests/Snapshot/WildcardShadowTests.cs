using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Snapshot;

/// <summary>
/// Wildcards (specification.md §10) with objects literally named <c>any</c>: a real name shadows the wildcard at its
/// level, as an explicit name shadows a wildcard in RFC 4592 §2.2.1 and §3.3. Below each name a wildcard label
/// matches, <c>any</c> is the child named <c>any</c> when there is one, and every child otherwise; <c>*</c> is
/// always every child. Resolve, SRV glue and the zone export agree.
/// </summary>
public class WildcardShadowTests
{
    private const string Z = "cluster.local.";

    /// <summary>Namespace <c>any</c> (web), namespace prod (web, db), namespace shop (any, cart, headless pool).</summary>
    internal static ClusterState Cluster(bool wildcards = true)
    {
        var state = new ClusterState(new ClusterDnsOptions { Wildcards = wildcards });
        state.Apply(new ClusterChangeBatch()
            .Upsert(Service("any", "web", "10.96.50.1", Port("http", 80)))
            .Upsert(Service("prod", "web", "10.96.50.2", Port("http", 80)))
            .Upsert(Service("prod", "db", "10.96.50.3", Port("pg", 5432)))
            .Upsert(Service("shop", "any", "10.96.60.1", Port("http", 80)))
            .Upsert(Service("shop", "cart", "10.96.60.2", Port("any", 8080), Port("http", 80)))
            .Upsert(Service("shop", "pool", KubernetesServiceDescriptor.None, Port("http", 80)))
            .Upsert(Slice("shop", "pool-x1", "pool", [SlicePort("http", 80)],
                Endpoint("10.244.9.1", "pool-0") with { Hostname = "any" },
                Endpoint("10.244.9.2", "pool-1") with { Hostname = "b" })));
        state.MarkSynced();
        return state;
    }

    /// <summary>Question, then the answer as zone-file lines ('|' between lines), or the response code.</summary>
    public static TheoryData<string, string> Table => new()
    {
        // Namespace any: its own services, never the other namespaces'.
        { "web.any.svc A", "web.any.svc A 10.96.50.1" },
        { "db.any.svc A", "NXDOMAIN" },
        { "any.any.svc A", "any.any.svc A 10.96.50.1" },
        { "web.*.svc A", "web.*.svc A 10.96.50.1|web.*.svc A 10.96.50.2" },

        // Service any: itself; '*' still lists the namespace.
        { "any.shop.svc A", "any.shop.svc A 10.96.60.1" },
        { "*.shop.svc A", "*.shop.svc A 10.96.60.1|*.shop.svc A 10.96.60.2|*.shop.svc A 10.244.9.1|*.shop.svc A 10.244.9.2" },
        { "any.*.svc A", "any.*.svc A 10.96.50.1|any.*.svc A 10.96.50.3|any.*.svc A 10.96.50.2|any.*.svc A 10.96.60.1" },
        { "x.any.shop.svc A", "NXDOMAIN" },

        // Endpoint hostname any: that endpoint alone, as the SRV glue says.
        { "any.pool.shop.svc A", "any.pool.shop.svc A 10.244.9.1" },
        { "*.pool.shop.svc A", "*.pool.shop.svc A 10.244.9.1|*.pool.shop.svc A 10.244.9.2" },

        // Port any: that port alone; '_*' every port.
        { "_any._tcp.cart.shop.svc SRV", "_any._tcp.cart.shop.svc SRV 0 100 8080 cart.shop.svc" },
        { "_*._tcp.cart.shop.svc SRV", "_*._tcp.cart.shop.svc SRV 0 50 8080 cart.shop.svc|_*._tcp.cart.shop.svc SRV 0 50 80 cart.shop.svc" },
        { "any._tcp.cart.shop.svc SRV", "any._tcp.cart.shop.svc SRV 0 50 8080 cart.shop.svc|any._tcp.cart.shop.svc SRV 0 50 80 cart.shop.svc" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Resolve_LiteralAny_ShadowsTheWildcardAtItsLevel(string question, string expected)
    {
        var parts = question.Split(' ');
        var resolution = Cluster().Resolve(parts[0] + "." + Z, Enum.Parse<RecordType>(parts[1]));

        if (expected == "NXDOMAIN")
        {
            Assert.Equal(ResponseCode.NameError, resolution.ResponseCode);
            return;
        }

        Assert.Equal(Zone(expected), Lines(resolution.Answer.ToString()));
    }

    [Fact]
    public void Resolve_SrvGlueForEndpointAny_AgreesWithItsAddressAnswer()
    {
        var state = Cluster();

        var glue = Lines(state.Resolve("pool.shop.svc." + Z, RecordType.SRV).Additional.ToString());
        var direct = Lines(state.Resolve("any.pool.shop.svc." + Z, RecordType.A).Answer.ToString());

        Assert.Equal(Zone("any.pool.shop.svc A 10.244.9.1|b.pool.shop.svc A 10.244.9.2"), glue);
        Assert.Equal([glue[0]], direct);
    }

    [Fact]
    public void WriteZoneFile_Wildcards_WritesTheStaticZoneOnly()
    {
        var withWildcards = Export(Cluster(wildcards: true));
        var without = Export(Cluster(wildcards: false));

        Assert.Equal(without, withWildcards);
        Assert.Contains("web.any.svc.cluster.local. 5 IN A 10.96.50.1", withWildcards);
        Assert.DoesNotContain("web.any.svc.cluster.local. 5 IN A 10.96.50.2", withWildcards);
        Assert.Contains("any.shop.svc.cluster.local. 5 IN A 10.96.60.1", withWildcards);
        Assert.DoesNotContain("any.shop.svc.cluster.local. 5 IN A 10.96.60.2", withWildcards);
        Assert.Contains("any.pool.shop.svc.cluster.local. 5 IN A 10.244.9.1", withWildcards);
        Assert.DoesNotContain("any.pool.shop.svc.cluster.local. 5 IN A 10.244.9.2", withWildcards);

        static string[] Export(ClusterState state)
        {
            using var writer = new StringWriter();
            state.Current.WriteZoneFile(writer);
            return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains(" SOA ", StringComparison.Ordinal))];
        }
    }

    /// <summary>"owner TYPE data" lines, zone-relative, as the full zone-file lines the resolution prints.</summary>
    private static string[] Zone(string table) =>
        [.. table.Split('|').Select(line =>
        {
            var parts = line.Split(' ', 3);
            var data = parts[2].Split(' ').Select(d => d.EndsWith(".svc", StringComparison.Ordinal) ? d + "." + Z : d);
            return $"{parts[0]}.{Z} 5 IN {parts[1]} {string.Join(' ', data)}";
        })];

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
