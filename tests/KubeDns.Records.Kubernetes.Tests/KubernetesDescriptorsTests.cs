using k8s.Models;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>Single-object mapping from KubernetesClient models to descriptors.</summary>
public class KubernetesDescriptorsTests
{
    [Fact]
    public void ToService_LoadBalancer_MapsTypeIPsPortsAndIngress()
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "kiada", NamespaceProperty = "kiada" },
            Spec = new V1ServiceSpec
            {
                Type = "LoadBalancer",
                ClusterIP = "10.96.7.108",
                ClusterIPs = ["10.96.7.108"],
                ExternalIPs = ["192.0.2.1"],
                Ports =
                [
                    new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 },
                    new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" },
                    new V1ServicePort { Name = "sig", Port = 5060, Protocol = "SCTP" },
                ],
            },
            Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "35.195.241.70" }, new V1LoadBalancerIngress { Hostname = "lb.example" }] } },
        };

        var descriptor = KubernetesDescriptors.ToService(service);

        Assert.Equal("kiada", descriptor.Namespace);
        Assert.Equal("kiada", descriptor.Name);
        Assert.Equal(ServiceType.LoadBalancer, descriptor.Type);
        Assert.Equal<string>(["10.96.7.108"], descriptor.ClusterIPs);
        Assert.Equal(["http/Tcp/80", "dns/Udp/53", "sig/Sctp/5060"], descriptor.Ports.Select(p => $"{p.Name}/{p.Protocol}/{p.Port}"));
        Assert.Equal<string>(["192.0.2.1"], descriptor.ExternalIPs);
        Assert.Equal<string>(["35.195.241.70", "lb.example"], descriptor.LoadBalancerIngress);
        Assert.Null(descriptor.ExternalName);
    }

    [Fact]
    public void ToService_ClusterIPWithoutClusterIPs_UsesClusterIP()
    {
        var descriptor = KubernetesDescriptors.ToService(Service("quote", clusterIP: "10.96.161.97"));

        Assert.Equal<string>(["10.96.161.97"], descriptor.ClusterIPs);
        Assert.Equal(ServiceType.ClusterIP, descriptor.Type);
        Assert.Equal("default", descriptor.Namespace);
    }

    [Fact]
    public void ToService_DualStack_KeepsClusterIPsOrder()
    {
        var service = Service("dual", clusterIP: "fd00:10:96::5");
        service.Spec.ClusterIPs = ["fd00:10:96::5", "10.96.5.5"];

        Assert.Equal<string>(["fd00:10:96::5", "10.96.5.5"], KubernetesDescriptors.ToService(service).ClusterIPs);
    }

    [Fact]
    public void ToService_Headless_IsHeadless()
    {
        var descriptor = KubernetesDescriptors.ToService(Service("quote-headless", clusterIP: "None"));

        Assert.True(descriptor.IsHeadless);
        Assert.Equal<string>([KubernetesServiceDescriptor.None], descriptor.ClusterIPs);
    }

    [Fact]
    public void ToService_ExternalName_MapsTarget()
    {
        var service = Service("time-api", clusterIP: null);
        service.Spec.Type = "ExternalName";
        service.Spec.ExternalName = "worldtimeapi.org";

        var descriptor = KubernetesDescriptors.ToService(service);

        Assert.Equal(ServiceType.ExternalName, descriptor.Type);
        Assert.Equal("worldtimeapi.org", descriptor.ExternalName);
        Assert.Empty(descriptor.ClusterIPs);
    }

    [Fact]
    public void ToService_WithoutClusterIP_HasNone()
    {
        Assert.Empty(KubernetesDescriptors.ToService(Service("web", clusterIP: null)).ClusterIPs);
    }

    [Fact]
    public void ToService_UnknownProtocolAndType_ThrowsNamingObjectAndFields()
    {
        var service = Service("quote", clusterIP: "10.96.161.97");
        service.Metadata.NamespaceProperty = "kiada";
        service.Spec.Type = "Bogus";
        service.Spec.Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "tcp" }];

        var e = Assert.Throws<KubernetesFeedException>(() => KubernetesDescriptors.ToService(service));

        Assert.Equal(
            [
                "Service kiada/quote: spec.type: 'Bogus' is not ClusterIP, NodePort, LoadBalancer or ExternalName",
                "Service kiada/quote: spec.ports[0].protocol: 'tcp' is not TCP, UDP or SCTP",
            ],
            e.Errors);
    }

    [Fact]
    public void ToService_WithoutName_Throws()
    {
        var e = Assert.Throws<KubernetesFeedException>(() => KubernetesDescriptors.ToService(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "kiada" } }));

        Assert.Equal("Service in namespace kiada: metadata.name: is required", e.Message);
    }

    [Fact]
    public void ToEndpointSlice_MapsEveryField()
    {
        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "quote-abc", NamespaceProperty = "kiada", Labels = new Dictionary<string, string> { [KubernetesDescriptors.ServiceNameLabel] = "quote" } },
            AddressType = "IPv6",
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }, new Discoveryv1EndpointPort { Protocol = "UDP" }],
            Endpoints =
            [
                new V1Endpoint
                {
                    Addresses = ["fd00::1"],
                    Hostname = "q-1",
                    Conditions = new V1EndpointConditions { Ready = false },
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = "quote-1", NamespaceProperty = "kiada" },
                    NodeName = "node-1",
                    Zone = "zone-a",
                },
                new V1Endpoint { Addresses = ["fd00::2"] },
            ],
        };

        var descriptor = KubernetesDescriptors.ToEndpointSlice(slice);

        Assert.Equal(("kiada", "quote-abc", "quote", EndpointAddressType.IPv6), (descriptor.Namespace, descriptor.Name, descriptor.ServiceName, descriptor.AddressType));
        Assert.Equal(["http/Tcp/8080", "/Udp/"], descriptor.Ports.Select(p => $"{p.Name}/{p.Protocol}/{p.Port}"));
        var first = descriptor.Endpoints[0];
        Assert.Equal<string>(["fd00::1"], first.Addresses);
        Assert.Equal("q-1", first.Hostname);
        Assert.False(first.Ready);
        Assert.Equal(new ObjectReference { Kind = "Pod", Name = "quote-1", Namespace = "kiada" }, first.TargetRef);
        Assert.Equal(("node-1", "zone-a"), (first.NodeName, first.Zone));
        Assert.Null(descriptor.Endpoints[1].Ready);
        Assert.True(descriptor.Endpoints[1].IsReady);
    }

    [Fact]
    public void ToEndpointSlice_WithoutServiceLabelOrAddressType_Throws()
    {
        var slice = new V1EndpointSlice { Metadata = new V1ObjectMeta { Name = "orphan", NamespaceProperty = "kiada" }, AddressType = "IPv5" };

        var e = Assert.Throws<KubernetesFeedException>(() => KubernetesDescriptors.ToEndpointSlice(slice));

        Assert.Equal(
            [
                "EndpointSlice kiada/orphan: metadata.labels[kubernetes.io/service-name]: is required: it names the Service the slice belongs to",
                "EndpointSlice kiada/orphan: addressType: 'IPv5' is not IPv4, IPv6 or FQDN",
            ],
            e.Errors);
    }

    [Fact]
    public void ToEndpointSlices_Endpoints_AddressesReadyNotReadyNot()
    {
        var slices = KubernetesDescriptors.ToEndpointSlices(Endpoints(annotated: false));

        var slice = Assert.Single(slices);
        Assert.Equal(("quote-0-ipv4", "quote", EndpointAddressType.IPv4), (slice.Name, slice.ServiceName, slice.AddressType));
        Assert.Equal(["http/Tcp/80"], slice.Ports.Select(p => $"{p.Name}/{p.Protocol}/{p.Port}"));
        Assert.Equal(["10.244.2.9 True q-0 quote-canary", "10.244.2.10 False  "], slice.Endpoints.Select(e => $"{e.Addresses[0]} {e.Ready} {e.Hostname} {e.TargetRef?.Name}"));
    }

    [Fact]
    public void ToEndpointSlices_TolerateUnreadyAnnotation_ServesNotReadyAddresses()
    {
        Assert.All(Assert.Single(KubernetesDescriptors.ToEndpointSlices(Endpoints(annotated: true))).Endpoints, e => Assert.True(e.Ready));

        var service = Service("quote", "10.96.161.97");
        service.Metadata.Annotations = new Dictionary<string, string> { [KubernetesDescriptors.TolerateUnreadyAnnotation] = "true" };
        Assert.All(Assert.Single(KubernetesDescriptors.ToEndpointSlices(Endpoints(annotated: false), service)).Endpoints, e => Assert.True(e.Ready));
    }

    [Fact]
    public void ToEndpointSlices_BothFamilies_OneSlicePerFamily()
    {
        var endpoints = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "dual" },
            Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "10.0.0.1" }, new V1EndpointAddress { Ip = "fd00::1" }] }],
        };

        var slices = KubernetesDescriptors.ToEndpointSlices(endpoints);

        Assert.Equal(["dual-0-ipv4 IPv4 10.0.0.1", "dual-0-ipv6 IPv6 fd00::1"], slices.Select(s => $"{s.Name} {s.AddressType} {s.Endpoints[0].Addresses[0]}"));
    }

    [Fact]
    public void ToEndpointSlices_BadAddress_Throws()
    {
        var endpoints = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "quote", NamespaceProperty = "kiada" },
            Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "10.0.0.300" }] }],
        };

        var e = Assert.Throws<KubernetesFeedException>(() => KubernetesDescriptors.ToEndpointSlices(endpoints));

        Assert.Equal("Endpoints kiada/quote: subsets[0].addresses[0].ip: '10.0.0.300' is not a valid IP address", e.Message);
    }

    [Fact]
    public void ToPod_PodIPs_PreferredOverPodIP()
    {
        var pod = Pod("kiada-001", ready: true, "10.244.1.7", "fd00:10:244:1::7");
        pod.Status.PodIP = "10.244.1.7";

        var descriptor = KubernetesDescriptors.ToPod(pod)!;

        Assert.Equal<string>(["10.244.1.7", "fd00:10:244:1::7"], descriptor.IPs);
        Assert.Equal(("kiada", "kiada-001"), (descriptor.Namespace, descriptor.Name));
    }

    [Fact]
    public void ToPod_OnlyPodIP_UsesIt()
    {
        var pod = Pod("p", ready: true);
        pod.Status.PodIP = "10.244.1.4";

        Assert.Equal<string>(["10.244.1.4"], KubernetesDescriptors.ToPod(pod)!.IPs);
        Assert.Empty(KubernetesDescriptors.ToPod(Pod("pending", ready: false))!.IPs);
    }

    [Theory]
    [InlineData("Succeeded", false)]
    [InlineData("Failed", false)]
    [InlineData("Running", true)]
    [InlineData("Pending", true)]
    [InlineData(null, true)]
    public void ToPod_Phase_FinishedPodsAreDropped(string? phase, bool kept)
    {
        var pod = Pod("p", ready: true, "10.244.1.4");
        pod.Status.Phase = phase;

        Assert.Equal(kept, KubernetesDescriptors.IsActive(pod));
        Assert.Equal(kept, KubernetesDescriptors.ToPod(pod) is not null);
    }

    [Fact]
    public void ToPod_Terminating_IsDropped()
    {
        var pod = Pod("p", ready: true, "10.244.1.4");
        pod.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.False(KubernetesDescriptors.IsActive(pod));
        Assert.Null(KubernetesDescriptors.ToPod(pod));
    }

    [Fact]
    public void ToNamespace_MapsName()
    {
        Assert.Equal("kiada", KubernetesDescriptors.ToNamespace(new V1Namespace { Metadata = new V1ObjectMeta { Name = "kiada" } }).Name);
    }

    [Fact]
    public void Mapping_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.ToService(null!));
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.ToPod(null!));
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.ToNamespace(null!));
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.ToEndpointSlice(null!));
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.ToEndpointSlices(null!));
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.DeriveEndpointSlices(null!, []));
        Assert.Throws<ArgumentNullException>(() => KubernetesDescriptors.DeriveEndpointSlices(Service("a", null), null!));
    }

    internal static V1Service Service(string name, string? clusterIP) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec { ClusterIP = clusterIP, Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
    };

    internal static V1Pod Pod(string name, bool ready, params string[] ips) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "kiada", Labels = new Dictionary<string, string> { ["app"] = "quote" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }] },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIPs = [.. ips.Select(ip => new V1PodIP { Ip = ip })],
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static V1Endpoints Endpoints(bool annotated) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "quote",
            NamespaceProperty = "kiada",
            Annotations = annotated ? new Dictionary<string, string> { [KubernetesDescriptors.TolerateUnreadyAnnotation] = "true" } : null,
        },
        Subsets =
        [
            new V1EndpointSubset
            {
                Addresses = [new V1EndpointAddress { Ip = "10.244.2.9", Hostname = "q-0", TargetRef = new V1ObjectReference { Kind = "Pod", Name = "quote-canary" } }],
                NotReadyAddresses = [new V1EndpointAddress { Ip = "10.244.2.10" }],
                Ports = [new Corev1EndpointPort { Name = "http", Port = 80 }],
            },
        ],
    };
}
