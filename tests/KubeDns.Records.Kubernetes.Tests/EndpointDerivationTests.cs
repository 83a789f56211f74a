using k8s.Models;
using static KubeDns.Records.Kubernetes.Tests.KubernetesDescriptorsTests;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>Endpoints derived from pods as the EndpointSlice controller would (KubernetesDescriptors.DeriveEndpointSlices).</summary>
public class EndpointDerivationTests
{
    [Fact]
    public void Derive_Readiness_FromThePodReadyCondition()
    {
        var slice = Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(Selecting("quote"), [Pod("b", ready: false, "10.0.0.2"), Pod("a", ready: true, "10.0.0.1")]));

        Assert.Equal(["a True", "b False"], slice.Endpoints.Select(e => $"{e.TargetRef!.Name} {e.Ready}"));
    }

    [Fact]
    public void Derive_PodWithoutReadyCondition_IsNotReady()
    {
        var pod = Pod("a", ready: true, "10.0.0.1");
        pod.Status.Conditions = null;

        Assert.False(Assert.Single(Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(Selecting("quote"), [pod])).Endpoints).Ready);
    }

    [Fact]
    public void Derive_PublishNotReadyAddresses_EveryPodIsReady()
    {
        var service = Selecting("quote");
        service.Spec.PublishNotReadyAddresses = true;

        var slice = Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(service, [Pod("a", ready: false, "10.0.0.1"), Pod("b", ready: true, "10.0.0.2")]));

        Assert.All(slice.Endpoints, e => Assert.True(e.Ready));
    }

    [Fact]
    public void Derive_TerminatingAndFinishedPods_AreLeftOut()
    {
        var terminating = Pod("terminating", ready: true, "10.0.0.1");
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var succeeded = Pod("succeeded", ready: false, "10.0.0.2");
        succeeded.Status.Phase = "Succeeded";
        var failed = Pod("failed", ready: false, "10.0.0.3");
        failed.Status.Phase = "Failed";
        var service = Selecting("quote");
        service.Spec.PublishNotReadyAddresses = true;

        var slice = Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(service, [terminating, succeeded, failed, Pod("running", ready: true, "10.0.0.4")]));

        Assert.Equal(["running"], slice.Endpoints.Select(e => e.TargetRef!.Name));
    }

    [Theory]
    [InlineData("db-0", "db-headless", "db-0")]
    [InlineData("db-0", "other", null)]
    [InlineData("db-0", null, null)]
    [InlineData(null, "db-headless", null)]
    public void Derive_Hostname_OnlyWhenSubdomainIsTheServiceName(string? hostname, string? subdomain, string? expected)
    {
        var pod = Pod("db-0", ready: true, "10.244.3.5");
        pod.Spec.Hostname = hostname;
        pod.Spec.Subdomain = subdomain;

        var endpoint = Assert.Single(Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(Selecting("db-headless", headless: true), [pod])).Endpoints);

        Assert.Equal(expected, endpoint.Hostname);
    }

    [Fact]
    public void Derive_TargetRefAndNode_AreThePod()
    {
        var pod = Pod("quote-001", ready: true, "10.244.2.10");
        pod.Spec.NodeName = "kind-worker2";

        var endpoint = Assert.Single(Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(Selecting("quote"), [pod])).Endpoints);

        Assert.Equal(new ObjectReference { Kind = "Pod", Namespace = "kiada", Name = "quote-001" }, endpoint.TargetRef);
        Assert.Equal("kind-worker2", endpoint.NodeName);
        Assert.Equal<string>(["10.244.2.10"], endpoint.Addresses);
    }

    [Fact]
    public void Derive_Order_ByPodName()
    {
        var pods = new[] { "quote-canary", "quote-003", "quote-001", "quote-002" }.Select((n, i) => Pod(n, ready: true, $"10.0.0.{i + 1}"));

        var slice = Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(Selecting("quote"), pods));

        Assert.Equal(["quote-001", "quote-002", "quote-003", "quote-canary"], slice.Endpoints.Select(e => e.TargetRef!.Name));
    }

    [Fact]
    public void Derive_Selection_SameNamespaceAndEveryLabel()
    {
        var service = Selecting("quote");
        service.Spec.Selector = new Dictionary<string, string> { ["app"] = "quote", ["rel"] = "stable" };
        var stable = Pod("stable", ready: true, "10.0.0.1");
        stable.Metadata.Labels["rel"] = "stable";
        var canary = Pod("canary", ready: true, "10.0.0.2");
        canary.Metadata.Labels["rel"] = "canary";
        var elsewhere = Pod("elsewhere", ready: true, "10.0.0.3");
        elsewhere.Metadata.Labels["rel"] = "stable";
        elsewhere.Metadata.NamespaceProperty = "other";

        var slice = Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(service, [stable, canary, elsewhere, Pod("plain", ready: true, "10.0.0.4")]));

        Assert.Equal(["stable"], slice.Endpoints.Select(e => e.TargetRef!.Name));
    }

    [Fact]
    public void Derive_NoSelectorOrExternalName_GivesNothing()
    {
        var noSelector = Selecting("quote");
        noSelector.Spec.Selector = null;
        var emptySelector = Selecting("quote");
        emptySelector.Spec.Selector = new Dictionary<string, string>();
        var externalName = Selecting("quote");
        externalName.Spec.Type = "ExternalName";
        var pods = new[] { Pod("a", ready: true, "10.0.0.1") };

        Assert.Empty(KubernetesDescriptors.DeriveEndpointSlices(noSelector, pods));
        Assert.Empty(KubernetesDescriptors.DeriveEndpointSlices(emptySelector, pods));
        Assert.Empty(KubernetesDescriptors.DeriveEndpointSlices(externalName, pods));
        Assert.Empty(KubernetesDescriptors.DeriveEndpointSlices(Selecting("quote"), []));
    }

    [Fact]
    public void Derive_Ports_TargetPortNumberNameOrServicePort()
    {
        var service = Selecting("kiada");
        service.Spec.Ports =
        [
            new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" },
            new V1ServicePort { Name = "https", Port = 443, TargetPort = 8443 },
            new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" },
        ];

        var slice = Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(service, [Pod("a", ready: true, "10.0.0.1")]));

        Assert.Equal(["http/Tcp/8080", "https/Tcp/8443", "dns/Udp/53"], slice.Ports.Select(p => $"{p.Name}/{p.Protocol}/{p.Port}"));
    }

    [Fact]
    public void Derive_NamedTargetPortMissingOnAPod_LeavesThePortOutForThatPod()
    {
        var service = Selecting("web");
        service.Spec.Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }];
        var without = Pod("b", ready: true, "10.0.0.2");
        without.Spec.Containers = [new V1Container { Name = "c" }];

        var slices = KubernetesDescriptors.DeriveEndpointSlices(service, [Pod("a", ready: true, "10.0.0.1"), without]);

        Assert.Equal(["web-ipv4 a 8080", "web-ipv4-0001 b "], slices.Select(s => $"{s.Name} {s.Endpoints[0].TargetRef!.Name} {string.Join(',', s.Ports.Select(p => p.Port))}"));
    }

    [Fact]
    public void Derive_DualStackService_OneSlicePerFamily()
    {
        var service = Selecting("dual");
        service.Spec.ClusterIPs = ["10.96.5.5", "fd00:10:96::5"];

        var slices = KubernetesDescriptors.DeriveEndpointSlices(service, [Pod("kiada-001", ready: true, "10.244.1.7", "fd00:10:244:1::7"), Pod("v4only", ready: true, "10.244.1.8")]);

        Assert.Equal(["dual-ipv4 IPv4 10.244.1.7,10.244.1.8", "dual-ipv6 IPv6 fd00:10:244:1::7"], slices.Select(s => $"{s.Name} {s.AddressType} {string.Join(',', s.Endpoints.Select(e => e.Addresses[0]))}"));
    }

    [Fact]
    public void Derive_SingleStackService_OnlyItsFamily()
    {
        var pods = new[] { Pod("kiada-001", ready: true, "10.244.1.7", "fd00:10:244:1::7") };
        var v4 = Selecting("kiada");
        v4.Spec.ClusterIP = "10.96.7.108";
        var v6 = Selecting("kiada");
        v6.Spec.ClusterIP = "fd00:10:96::7";

        Assert.Equal(EndpointAddressType.IPv4, Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(v4, pods)).AddressType);
        Assert.Equal(EndpointAddressType.IPv6, Assert.Single(KubernetesDescriptors.DeriveEndpointSlices(v6, pods)).AddressType);
    }

    [Fact]
    public void Derive_HeadlessService_FamiliesFromIpFamilies()
    {
        var pods = new[] { Pod("a", ready: true, "10.244.1.7", "fd00:10:244:1::7") };
        var v6 = Selecting("h", headless: true);
        v6.Spec.IpFamilies = ["IPv6"];
        var dual = Selecting("h", headless: true);
        dual.Spec.IpFamilyPolicy = "PreferDualStack";

        Assert.Equal([EndpointAddressType.IPv6], KubernetesDescriptors.DeriveEndpointSlices(v6, pods).Select(s => s.AddressType));
        Assert.Equal([EndpointAddressType.IPv4, EndpointAddressType.IPv6], KubernetesDescriptors.DeriveEndpointSlices(dual, pods).Select(s => s.AddressType));
        Assert.Equal([EndpointAddressType.IPv4], KubernetesDescriptors.DeriveEndpointSlices(Selecting("h", headless: true), pods).Select(s => s.AddressType));
    }

    [Fact]
    public void Derive_PodsWithoutAnIP_AreLeftOut()
    {
        Assert.Empty(KubernetesDescriptors.DeriveEndpointSlices(Selecting("quote"), [Pod("pending", ready: false)]));
    }

    [Fact]
    public void Derive_OverOneThousandPods_SplitsInNameOrder()
    {
        var pods = Enumerable.Range(0, 1500).Select(i => Pod($"p-{i:D4}", ready: true, $"10.1.{i / 250}.{i % 250 + 1}"));

        var slices = KubernetesDescriptors.DeriveEndpointSlices(Selecting("big"), pods);

        Assert.Equal(["big-ipv4 1000 p-0000", "big-ipv4-0001 500 p-1000"], slices.Select(s => $"{s.Name} {s.Endpoints.Length} {s.Endpoints[0].TargetRef!.Name}"));
    }

    [Fact]
    public void Derive_ThroughTheCluster_AnswersHeadlessNamesAndSrv()
    {
        var service = Selecting("db-headless", headless: true);
        service.Spec.Ports = [new V1ServicePort { Name = "postgres", Port = 5432 }];
        V1Pod[] pods = [.. new[] { ("db-0", true), ("db-1", true), ("db-2", false) }.Select((p, i) =>
        {
            var pod = Pod(p.Item1, p.Item2, $"10.244.3.{5 + i}");
            pod.Spec.Hostname = p.Item1;
            pod.Spec.Subdomain = "db-headless";
            return pod;
        })];
        var state = new ClusterState();
        ClusterManifest.FromObjects([service, .. pods]).ApplyTo(state);
        state.MarkSynced();

        Assert.Equal("NoError", state.Resolve("db-0.db-headless.kiada.svc.cluster.local", RecordType.A).ResponseCode.ToString());
        Assert.Equal("NameError", state.Resolve("db-2.db-headless.kiada.svc.cluster.local", RecordType.A).ResponseCode.ToString());
        Assert.Equal(
            "_postgres._tcp.db-headless.kiada.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.kiada.svc.cluster.local.\n_postgres._tcp.db-headless.kiada.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.kiada.svc.cluster.local.\n",
            state.Resolve("_postgres._tcp.db-headless.kiada.svc.cluster.local", RecordType.SRV).Answer.ToString());
    }

    private static V1Service Selecting(string name, bool headless = false)
    {
        var service = Service(name, headless ? "None" : null);
        service.Metadata.NamespaceProperty = "kiada";
        service.Spec.Selector = new Dictionary<string, string> { ["app"] = "quote" };
        service.Spec.Ports = [new V1ServicePort { Name = "http", Port = 80 }];
        return service;
    }
}
