using System.Collections.Immutable;

namespace KubeDns.Records.TestUtilities;

/// <summary>
/// The seeds' example cluster, exactly as specification.md §14.1 lists it. Endpoints are written as the EndpointSlice
/// controller would derive them from the pods: ready pods only (db-2 is listed not ready), sorted by pod name.
/// </summary>
public static class ExampleCluster
{
    public static ClusterState Create(Action<ClusterDnsOptions>? configure = null, bool synced = true)
    {
        var options = new ClusterDnsOptions();
        configure?.Invoke(options);
        var state = new ClusterState(options);
        state.Apply(Batch());
        if (synced)
        {
            state.MarkSynced();
        }

        return state;
    }

    public static ClusterChangeBatch Batch()
    {
        var batch = new ClusterChangeBatch();
        foreach (var ns in new[] { "kube-system", "default", "kiada", "backend", "infra", "app", "data" })
        {
            batch.Upsert(new NamespaceDescriptor { Name = ns });
        }

        // kube-system
        batch.Upsert(Service("kube-system", "kube-dns", "10.96.0.10", Port("dns", 53, ServiceProtocol.Udp), Port("dns-tcp", 53), Port("metrics", 9153)));
        batch.Upsert(Slice("kube-system", "kube-dns-8xk2c", "kube-dns",
            [SlicePort("dns", 53, ServiceProtocol.Udp), SlicePort("dns-tcp", 53), SlicePort("metrics", 9153)],
            Endpoint("10.244.0.2", "coredns-5d78c9869d-7xk2p"), Endpoint("10.244.0.3", "coredns-5d78c9869d-q8rtw")));
        Pod(batch, "kube-system", "coredns-5d78c9869d-7xk2p", "10.244.0.2");
        Pod(batch, "kube-system", "coredns-5d78c9869d-q8rtw", "10.244.0.3");

        // default
        batch.Upsert(Service("default", "kubernetes", "10.96.0.1", Port("https", 443)));
        batch.Upsert(Slice("default", "kubernetes", "kubernetes", [SlicePort("https", 6443)], new EndpointDescriptor { Addresses = ["172.18.0.2"] }));
        batch.Upsert(Service("default", "web-svc", "10.96.0.50", Port("80-80", 80)));
        batch.Upsert(Slice("default", "web-svc-4hq8z", "web-svc", [SlicePort("80-80", 80)]));
        batch.Upsert(ExternalName("default", "external-api", "api.example.com"));
        batch.Upsert(ExternalName("default", "payments", "payments.stripe.com"));

        // kiada
        EndpointDescriptor[] quotePods =
        [
            Endpoint("10.244.2.10", "quote-001"),
            Endpoint("10.244.2.8", "quote-002"),
            Endpoint("10.244.1.10", "quote-003"),
            Endpoint("10.244.2.9", "quote-canary"),
        ];
        batch.Upsert(Service("kiada", "quote", "10.96.161.97", Port("http", 80)));
        batch.Upsert(Slice("kiada", "quote-5xq7d", "quote", [SlicePort("http", 80)], quotePods));
        batch.Upsert(Service("kiada", "quote-headless", KubernetesServiceDescriptor.None, Port("http", 80)));
        batch.Upsert(Slice("kiada", "quote-headless-m2v9k", "quote-headless", [SlicePort("http", 80)], quotePods));
        batch.Upsert(Service("kiada", "kiada", "10.96.7.108", Port("http", 80), Port("https", 443)) with
        {
            Type = ServiceType.LoadBalancer,
            LoadBalancerIngress = ["35.195.241.70"],
        });
        batch.Upsert(Slice("kiada", "kiada-7fz2w", "kiada", [SlicePort("http", 8080), SlicePort("https", 8443)],
            Endpoint("10.244.1.7", "kiada-001"), Endpoint("10.244.2.11", "kiada-002")));
        batch.Upsert(Service("kiada", "dual", "10.96.5.5", Port("http", 80)) with { ClusterIPs = ["10.96.5.5", "fd00:10:96::5"] });
        batch.Upsert(Slice("kiada", "dual-ipv4-x7k2p", "dual", [SlicePort("http", 8080)],
            Endpoint("10.244.1.7", "kiada-001"), Endpoint("10.244.2.11", "kiada-002")));
        batch.Upsert(Slice("kiada", "dual-ipv6-q9w4r", "dual", [SlicePort("http", 8080)],
            Endpoint("fd00:10:244:1::7", "kiada-001"), Endpoint("fd00:10:244:2::b", "kiada-002")) with
        { AddressType = EndpointAddressType.IPv6 });
        batch.Upsert(ExternalName("kiada", "time-api", "worldtimeapi.org"));
        batch.Upsert(ExternalName("kiada", "quote-alias", "quote.kiada.svc.cluster.local"));
        Pod(batch, "kiada", "quote-canary", "10.244.2.9");
        Pod(batch, "kiada", "quote-001", "10.244.2.10");
        Pod(batch, "kiada", "quote-002", "10.244.2.8");
        Pod(batch, "kiada", "quote-003", "10.244.1.10");
        Pod(batch, "kiada", "kiada-001", "10.244.1.7", "fd00:10:244:1::7");
        Pod(batch, "kiada", "kiada-002", "10.244.2.11", "fd00:10:244:2::b");
        Pod(batch, "kiada", "dns-test", "10.244.1.4");

        // backend, infra, app
        batch.Upsert(Service("backend", "api", "10.96.100.10", Port("http", 8080)));
        batch.Upsert(Slice("backend", "api-r8t5n", "api", [SlicePort("http", 8080)], Endpoint("10.244.1.20", "api-7c9d8-xk2lp")));
        Pod(batch, "backend", "api-7c9d8-xk2lp", "10.244.1.20");
        batch.Upsert(Service("infra", "cache", "10.96.200.20", Port("redis", 6379)));
        batch.Upsert(Slice("infra", "cache-k4m8s", "cache", [SlicePort("redis", 6379)], Endpoint("10.244.2.30", "cache-0")));
        Pod(batch, "infra", "cache-0", "10.244.2.30");
        Pod(batch, "app", "frontend", "10.244.1.30");

        // data: a StatefulSet behind a headless service; db-2 is not ready.
        batch.Upsert(Service("data", "db-headless", KubernetesServiceDescriptor.None, Port("postgres", 5432)));
        batch.Upsert(Slice("data", "db-headless-b6w2j", "db-headless", [SlicePort("postgres", 5432)],
            Endpoint("10.244.3.5", "db-0") with { Hostname = "db-0" },
            Endpoint("10.244.3.6", "db-1") with { Hostname = "db-1" },
            Endpoint("10.244.3.7", "db-2") with { Hostname = "db-2", Ready = false }));
        Pod(batch, "data", "db-0", "10.244.3.5");
        Pod(batch, "data", "db-1", "10.244.3.6");
        Pod(batch, "data", "db-2", "10.244.3.7");
        return batch;
    }

    public static KubernetesServiceDescriptor Service(string ns, string name, string clusterIP, params ServicePortDescriptor[] ports) => new()
    {
        Namespace = ns,
        Name = name,
        ClusterIPs = [clusterIP],
        Ports = [.. ports],
    };

    public static KubernetesServiceDescriptor ExternalName(string ns, string name, string target) => new()
    {
        Namespace = ns,
        Name = name,
        Type = ServiceType.ExternalName,
        ExternalName = target,
    };

    public static ServicePortDescriptor Port(string name, int port, ServiceProtocol protocol = ServiceProtocol.Tcp) =>
        new() { Name = name, Port = port, Protocol = protocol };

    public static EndpointPortDescriptor SlicePort(string name, int port, ServiceProtocol protocol = ServiceProtocol.Tcp) =>
        new() { Name = name, Port = port, Protocol = protocol };

    public static EndpointSliceDescriptor Slice(string ns, string name, string service, ImmutableArray<EndpointPortDescriptor> ports, params EndpointDescriptor[] endpoints) => new()
    {
        Namespace = ns,
        Name = name,
        ServiceName = service,
        Ports = ports,
        Endpoints = [.. endpoints],
    };

    public static EndpointDescriptor Endpoint(string address, string pod) => new()
    {
        Addresses = [address],
        Ready = true,
        TargetRef = new ObjectReference { Kind = "Pod", Name = pod },
    };

    private static void Pod(ClusterChangeBatch batch, string ns, string name, params string[] ips) =>
        batch.Upsert(new PodDescriptor { Namespace = ns, Name = name, IPs = [.. ips] });
}
