using System.Text.RegularExpressions;

namespace KubeDns.Records.Tool.Tests;

/// <summary><c>kubedns zone</c>: a master file that a real DNS server (BIND's named-checkzone) accepts.</summary>
public class ZoneTests
{
    [Fact]
    public async Task Zone_ExampleCluster_LoadsInNamedCheckzone()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.StartsWith("$ORIGIN cluster.local.\ncluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ", output, StringComparison.Ordinal);
        Assert.Contains("\nquote.kiada.svc.cluster.local. 5 IN A 10.96.161.97\n", output, StringComparison.Ordinal);
        Assert.Contains("\n_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("db-2", output, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("cluster.local", output);
    }

    [Fact]
    public async Task Zone_OtherZoneAndManifests_LoadsInNamedCheckzone()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("zone", "corp.example", "--zone", "cluster.local", "--zone", "corp.example", "--manifests", KubeDnsProcess.ExampleFolder, "--ttl", "60");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("$ORIGIN corp.example.\n", output, StringComparison.Ordinal);
        Assert.Contains("\nquote.kiada.svc.corp.example. 60 IN A 10.96.161.97\n", output, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("corp.example", output);
    }

    [Fact]
    public async Task Zone_EmbeddedExample_IsDocsExamplesCluster()
    {
        var (_, embedded, _) = await KubeDnsProcess.RunAsync("zone");
        var (_, docs, _) = await KubeDnsProcess.RunAsync("zone", "--manifests", KubeDnsProcess.ExampleFolder);

        Assert.Equal(WithoutSerial(docs), WithoutSerial(embedded));

        static string WithoutSerial(string zone) => Regex.Replace(zone, @"(IN SOA \S+ \S+ )\d+", "$1<serial>");
    }

    [Fact]
    public async Task Zone_NotAConfiguredZone_ExitsTwo()
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", "example.org");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("kubedns: error: ZONE: 'example.org' is not a configured cluster zone", error, StringComparison.Ordinal);
    }

    private static readonly string Port63 = new('p', 63);

    /// <summary>The name server's Service, so the exported NS record has its address (named-checkzone requires it).</summary>
    private const string KubeDns = """
        apiVersion: v1
        kind: Service
        metadata: {name: kube-dns, namespace: kube-system}
        spec:
          clusterIP: 10.96.0.10
          ports: [{name: dns, port: 53, protocol: UDP}]
        """;

    /// <summary>A Service whose 63-character port name would make the 64-octet label <c>_ppp…</c> (RFC 1035 §2.3.4).</summary>
    internal static string LongPortService(string clusterIP = "10.96.0.7") => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: cart, namespace: shop}
        spec:
          clusterIP: {{clusterIP}}
          ports: [{name: {{Port63}}, port: 8080}, {name: metrics, port: 9090, protocol: UDP}]
        """;

    [Fact]
    public async Task Zone_PortName63Characters_LeftOutWarnedOnceAndLoadsInNamedCheckzone()
    {
        using var folder = new TempFolder();
        folder.Write("cart.yaml", LongPortService());
        folder.Write("kube-dns.yaml", KubeDns);

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(Port63, output, StringComparison.Ordinal);
        Assert.Contains("\ncart.shop.svc.cluster.local. 5 IN SRV 0 50 8080 cart.shop.svc.cluster.local.\n", output, StringComparison.Ordinal);
        Assert.Contains("\n_metrics._udp.cart.shop.svc.cluster.local. 5 IN SRV 0 100 9090 cart.shop.svc.cluster.local.\n", output, StringComparison.Ordinal);
        var warning = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"kubedns: warning: Service shop/cart: spec.ports[0].name: '{Port63}': _{Port63}._tcp.cart.shop.svc.cluster.local. has a 64-octet label", warning, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("cluster.local", output);
    }

    /// <summary>
    /// A 100-character zone with a 63-character namespace and service: the endpoint <c>a</c> fits, the one with a
    /// 63-character hostname would be 298 octets and is left out of the names and the SRV set.
    /// </summary>
    [Fact]
    public async Task Zone_NamesOver255Octets_LeftOutWarnedOnceAndLoadsInNamedCheckzone()
    {
        var label = new string('n', 63);
        var host = new string('h', 63);
        var zone = new string('k', 49) + "." + new string('c', 50);
        using var folder = new TempFolder();
        folder.Write("long.yaml", $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: {{label}}, namespace: {{label}}}
            spec:
              clusterIP: None
              ports: [{name: http, port: 80}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: long-x1
              namespace: {{label}}
              labels: {kubernetes.io/service-name: {{label}} }
            addressType: IPv4
            ports: [{name: http, port: 80}]
            endpoints:
              - addresses: [10.244.0.1]
                hostname: a
                conditions: {ready: true}
              - addresses: [10.244.0.2]
                hostname: {{host}}
                conditions: {ready: true}
            """);

        folder.Write("kube-dns.yaml", KubeDns);

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", "--zone", zone, "--manifests", folder.Path);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(host, output, StringComparison.Ordinal);
        var service = $"{label}.{label}.svc.{zone}.";
        Assert.Contains($"\n{service} 5 IN SRV 0 100 80 a.{service}\n", output, StringComparison.Ordinal);
        Assert.Contains($"\n{service} 5 IN A 10.244.0.2\n", output, StringComparison.Ordinal);
        var warning = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"kubedns: warning: EndpointSlice {label}/long-x1: endpoints[1].hostname: '{host}': {host}.{service} is 298 octets", warning, StringComparison.Ordinal);
        await AssertZoneLoadsAsync(zone, output);
    }

    /// <summary>
    /// Manifests without a <c>kube-system/kube-dns</c> Service, as most real sets are: the name server still has an
    /// address (127.0.0.1, as CoreDNS serves its own bound address), so BIND loads the zone (specification.md §7).
    /// </summary>
    [Fact]
    public async Task Zone_NoNameServerService_NsHasAnAddressAndLoadsInNamedCheckzone()
    {
        using var folder = new TempFolder();
        folder.Write("cart.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: cart, namespace: shop}
            spec:
              clusterIP: 10.96.0.7
              ports: [{name: http, port: 80}]
            """);

        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", "--manifests", folder.Path);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("\ncluster.local. 5 IN NS ns.dns.cluster.local.\nns.dns.cluster.local. 5 IN A 127.0.0.1\n", output, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("cluster.local", output);
    }

    [Fact]
    public async Task Zone_NameServerAddressFlag_IsTheGlue()
    {
        var (exitCode, output, _) = await KubeDnsProcess.RunAsync("zone", "--nameserver-address", "10.96.0.53,fd00:10:96::53", "--nameserver-address", "10.96.0.54");

        Assert.Equal(0, exitCode);
        Assert.Contains(
            "\nns.dns.cluster.local. 5 IN A 10.96.0.53\nns.dns.cluster.local. 5 IN A 10.96.0.54\nns.dns.cluster.local. 5 IN AAAA fd00:10:96::53\n",
            output,
            StringComparison.Ordinal);
        Assert.DoesNotContain("ns.dns.cluster.local. 5 IN A 10.96.0.10", output, StringComparison.Ordinal);
        await AssertZoneLoadsAsync("cluster.local", output);
    }

    [Theory]
    [InlineData("--nameserver-address", "10.96.0.300", "kubedns: error: --nameserver-address: '10.96.0.300' is not an IP address")]
    [InlineData("--ttl", "5000", "kubedns: error: --ttl: 5000 is not in 0..3600")]
    [InlineData("--zone", "bad_zone..", "kubedns: error: --zone: 'bad_zone..' is not a valid zone name")]
    public async Task Zone_BadOptionValue_ExitsTwoNamingTheFlag(string flag, string value, string message)
    {
        var (exitCode, output, error) = await KubeDnsProcess.RunAsync("zone", flag, value);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("ClusterDnsOptions", error, StringComparison.Ordinal);
    }

    private static Task AssertZoneLoadsAsync(string origin, string zone) => ZoneCheckers.AssertLoadsAsync(origin, zone);
}
