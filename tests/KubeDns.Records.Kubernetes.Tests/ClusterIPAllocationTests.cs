using System.Net;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>Services written without a cluster IP get one, as the API server would allocate it, but deterministically.</summary>
public class ClusterIPAllocationTests
{
    private static string Service(string name, string? clusterIP = null, string extra = "") => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: {name}, namespace: shop{"}"}
        spec:
          {(clusterIP is null ? "" : $"clusterIP: \"{clusterIP}\"")}
          {extra}
          ports: [{"{"}name: http, port: 80{"}"}]
        """;

    [Fact]
    public void Allocate_NoClusterIP_FromTheDynamicBandOfTheDefaultRange()
    {
        var manifest = ClusterManifest.Parse(Service("web"), "web.yaml");

        var ip = Assert.Single(Assert.Single(manifest.Services).ClusterIPs);
        Assert.True(IPNetwork.Parse("10.96.0.0/12").Contains(IPAddress.Parse(ip)));
        Assert.False(IPNetwork.Parse("10.96.0.0/24").Contains(IPAddress.Parse(ip)), "the lower band is for IPs chosen by hand");
        Assert.Equal($"web.yaml: document 1 (Service shop/web): spec.clusterIP: not set; allocated {ip} from 10.96.0.0/12, as the API server would (line 7, column 3)", Assert.Single(manifest.Warnings));
    }

    [Fact]
    public void Allocate_SameManifestsInAnyOrder_SameAddresses()
    {
        var a = ClusterManifest.Parse(Service("web") + "\n---\n" + Service("api"), "x.yaml");
        var b = ClusterManifest.Parse(Service("api") + "\n---\n" + Service("web"), "x.yaml");

        Assert.Equal(IPs(a), IPs(b));
        Assert.NotEqual(a.Services[0].ClusterIPs[0], a.Services[1].ClusterIPs[0]);

        static string[] IPs(ClusterManifest m) => [.. m.Services.OrderBy(s => s.Name).Select(s => s.ClusterIPs[0])];
    }

    [Fact]
    public void Allocate_NeverAnAddressInUse()
    {
        var alone = Assert.Single(ClusterManifest.Parse(Service("web"), "x.yaml").Services).ClusterIPs[0];

        // Another service holds exactly the address web would get: web gets the next free one.
        var manifest = ClusterManifest.Parse(Service("web") + "\n---\n" + Service("holder", alone), "x.yaml");

        var web = manifest.Services.Single(s => s.Name == "web").ClusterIPs[0];
        Assert.NotEqual(alone, web);
        Assert.Equal(Next(alone), web);

        static string Next(string ip)
        {
            var bytes = IPAddress.Parse(ip).GetAddressBytes();
            for (var i = 3; i >= 0 && ++bytes[i] == 0; i--)
            {
            }

            return new IPAddress(bytes).ToString();
        }
    }

    [Fact]
    public void Allocate_DualStack_BothFamiliesInIpFamiliesOrder()
    {
        var manifest = ClusterManifest.Parse(Service("dual", extra: "ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6, IPv4]"), "x.yaml");

        var ips = Assert.Single(manifest.Services).ClusterIPs;
        Assert.Equal(2, ips.Length);
        Assert.True(IPNetwork.Parse("fd00:10:96::/112").Contains(IPAddress.Parse(ips[0])));
        Assert.True(IPNetwork.Parse("10.96.0.0/12").Contains(IPAddress.Parse(ips[1])));
        Assert.Equal(2, manifest.Warnings.Count);
        Assert.Contains("not set for IPv6; allocated ", manifest.Warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_DualStackWithOneGiven_AddsTheOther()
    {
        var manifest = ClusterManifest.Parse(Service("dual", "10.96.5.5", "ipFamilyPolicy: RequireDualStack"), "x.yaml");

        var ips = Assert.Single(manifest.Services).ClusterIPs;
        Assert.Equal("10.96.5.5", ips[0]);
        Assert.True(IPNetwork.Parse("fd00:10:96::/112").Contains(IPAddress.Parse(ips[1])));
    }

    [Fact]
    public void Allocate_IPv6SingleStack_FromTheIPv6Range()
    {
        var ip = Assert.Single(Assert.Single(ClusterManifest.Parse(Service("v6", extra: "ipFamilies: [IPv6]"), "x.yaml").Services).ClusterIPs);

        Assert.True(IPNetwork.Parse("fd00:10:96::/112").Contains(IPAddress.Parse(ip)));
    }

    [Fact]
    public void Allocate_ServiceCidrOption_ReplacesOnlyItsFamily()
    {
        var options = new ManifestOptions();
        options.ServiceCidrs.Add("172.20.0.0/16");

        var manifest = ClusterManifest.Parse(Service("web") + "\n---\n" + Service("dual", extra: "ipFamilyPolicy: PreferDualStack"), "x.yaml", options);

        Assert.True(IPNetwork.Parse("172.20.0.0/16").Contains(IPAddress.Parse(manifest.Services[0].ClusterIPs[0])));
        Assert.True(IPNetwork.Parse("fd00:10:96::/112").Contains(IPAddress.Parse(manifest.Services[1].ClusterIPs[1])));
    }

    [Fact]
    public void Allocate_RangeFull_Fails()
    {
        var options = new ManifestOptions();
        options.ServiceCidrs.Add("10.0.0.0/30"); // two usable addresses

        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(string.Join("\n---\n", Service("a"), Service("b"), Service("c")), "x.yaml", options));

        Assert.Contains("spec.clusterIP: no free address left in 10.0.0.0/30", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.96.0.1/12", "ManifestOptions.ServiceCidrs: '10.96.0.1/12' is not a network in CIDR notation")]
    [InlineData("nonsense", "ManifestOptions.ServiceCidrs: 'nonsense' is not a network in CIDR notation")]
    [InlineData("10.0.0.0/40", "ManifestOptions.ServiceCidrs: '10.0.0.0/40' is not a network in CIDR notation")]
    [InlineData("10.0.0.0/31", "ManifestOptions.ServiceCidrs: '10.0.0.0/31' is not between /0 and /30")]
    public void Allocate_BadServiceCidr_Fails(string cidr, string message)
    {
        var options = new ManifestOptions();
        options.ServiceCidrs.Add(cidr);

        var e = Assert.Throws<ManifestException>(() => ClusterManifest.Parse(Service("web", "10.96.0.5"), "x.yaml", options));
        var validated = Assert.Throws<ManifestException>(options.Validate);

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Errors, validated.Errors);
    }

    [Fact]
    public void Allocate_HeadlessAndExternalName_GetNone()
    {
        var manifest = ClusterManifest.Parse(Service("h", "None") + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: e, namespace: shop}\nspec: {type: ExternalName, externalName: example.com}", "x.yaml");

        Assert.Equal<string>([KubernetesServiceDescriptor.None], manifest.Services[0].ClusterIPs);
        Assert.Empty(manifest.Services[1].ClusterIPs);
        Assert.Empty(manifest.Warnings);
    }
}
