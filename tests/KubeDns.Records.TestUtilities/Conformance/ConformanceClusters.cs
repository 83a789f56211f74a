using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.TestUtilities;

/// <summary>The cluster variants conformance cases run against, by name.</summary>
public static class ConformanceClusters
{
    private static readonly Dictionary<string, ClusterState> Cache = [];

    public static ClusterState Get(string setup)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(setup, out var state))
            {
                state = Create(setup);
                Cache.Add(setup, state);
            }

            return state;
        }
    }

    private static ClusterState Create(string setup) => setup switch
    {
        "" => WithExtras(ExampleCluster.Create()),
        "EndpointPodNames" => ExampleCluster.Create(o => o.EndpointPodNames = true),
        "IgnoreEmptyServices" => ExampleCluster.Create(o => o.IgnoreEmptyServices = true),
        "NotSynced" => ExampleCluster.Create(synced: false),
        "Namespaces=kiada" => ExampleCluster.Create(o => o.Namespaces.Add("kiada")),
        "Ttl=30" => ExampleCluster.Create(o => o.Ttl = 30),
        "Ttl=600" => ExampleCluster.Create(o => o.Ttl = 600),
        "Zones=cluster.local,corp.example" => ExampleCluster.Create(o => o.Zones.Add("corp.example.")),
        "Zones=cluster.local,east.cluster.local" => ExampleCluster.Create(o => o.Zones.Add("east.cluster.local")),
        "Pods=Insecure" => ExampleCluster.Create(o => o.Pods = PodRecordMode.Insecure),
        "Pods=Verified" => ExampleCluster.Create(o => o.Pods = PodRecordMode.Verified),
        "Wildcards" => ExampleCluster.Create(o => o.Wildcards = true),
        "ReverseZones=10.96.0.0/12" => ExampleCluster.Create(o =>
        {
            o.ReverseZones.Clear();
            o.ReverseZones.Add("10.96.0.0/12");
        }),
        "NameServerAddresses" => ExampleCluster.Create(o =>
        {
            o.NameServerAddresses.Add("10.0.0.53");
            o.NameServerAddresses.Add("fd00::53");
        }),
        _ => throw new ArgumentException($"unknown setup '{setup}'", nameof(setup)),
    };

    /// <summary>
    /// The example cluster plus namespace <c>extra</c>, holding the shapes §14.1 lacks: a NodePort service, a headless
    /// service with no ready endpoint, an IP-literal ExternalName, a service without ports, CNAME chains and a loop,
    /// an IPv6-only service and a service with the same port on UDP and TCP.
    /// </summary>
    private static ClusterState WithExtras(ClusterState state)
    {
        var batch = new ClusterChangeBatch()
            .Upsert(Service("extra", "np", "10.96.50.1", Port("web", 8080)) with { Type = ServiceType.NodePort })
            .Upsert(Slice("extra", "np-1", "np", [SlicePort("web", 8080)], Endpoint("10.244.5.1", "np-0")))
            .Upsert(Service("extra", "empty-headless", KubernetesServiceDescriptor.None, Port("http", 80)))
            .Upsert(Slice("extra", "empty-headless-1", "empty-headless", [SlicePort("http", 80)], Endpoint("10.244.5.2", "eh-0") with { Ready = false }))
            .Upsert(ExternalName("extra", "ip-alias", "1.2.3.4"))
            .Upsert(Service("extra", "noports", "10.96.50.2"))
            .Upsert(ExternalName("extra", "loop-a", "loop-b.extra.svc.cluster.local"))
            .Upsert(ExternalName("extra", "loop-b", "loop-a.extra.svc.cluster.local."))
            .Upsert(ExternalName("extra", "dangling", "missing.extra.svc.cluster.local"))
            .Upsert(ExternalName("extra", "chain", "quote-alias.kiada.svc.cluster.local"))
            .Upsert(ExternalName("extra", "hl-alias", "db-headless.data.svc.cluster.local"))
            .Upsert(Service("extra", "udp-svc", "10.96.50.3", Port("dns", 53, ServiceProtocol.Udp), Port("dns-tcp", 53)))
            .Upsert(Service("extra", "v6only", "fd00:10:96::50", Port("http", 80)));
        state.Apply(batch);
        return state;
    }
}
