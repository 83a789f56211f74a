// Builds part of the example cluster of specification.md §14.1 (namespace kiada) and prints a few answers in the
// layout of dig. Run: dotnet run --project docs/examples/QuickStart
using KubeDns.Records;

var state = new ClusterState(new ClusterDnsOptions()); // cluster.local., TTL 5: the defaults of specification.md §3

// Endpoints as the EndpointSlice controller derives them from the ready quote pods.
EndpointDescriptor[] quotePods =
[
    QuotePod("10.244.2.10", "quote-001"),
    QuotePod("10.244.2.8", "quote-002"),
    QuotePod("10.244.1.10", "quote-003"),
    QuotePod("10.244.2.9", "quote-canary"),
];

var batch = new ClusterChangeBatch()
    .Upsert(new NamespaceDescriptor { Name = "kiada" })
    .Upsert(new KubernetesServiceDescriptor
    {
        Namespace = "kiada",
        Name = "quote",
        ClusterIPs = ["10.96.161.97"],
        Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
    })
    .Upsert(new KubernetesServiceDescriptor
    {
        Namespace = "kiada",
        Name = "quote-headless",
        ClusterIPs = [KubernetesServiceDescriptor.None],
        Ports = [new ServicePortDescriptor { Name = "http", Port = 80 }],
    })
    .Upsert(new EndpointSliceDescriptor
    {
        Namespace = "kiada",
        Name = "quote-headless-m2v9k",
        ServiceName = "quote-headless",
        Ports = [new EndpointPortDescriptor { Name = "http", Port = 80 }],
        Endpoints = [.. quotePods],
    })
    .Upsert(new KubernetesServiceDescriptor
    {
        Namespace = "kiada",
        Name = "kiada",
        Type = ServiceType.LoadBalancer,
        ClusterIPs = ["10.96.7.108"],
        Ports =
        [
            new ServicePortDescriptor { Name = "http", Port = 80 },
            new ServicePortDescriptor { Name = "https", Port = 443 },
        ],
        LoadBalancerIngress = ["35.195.241.70"], // carried, never served in the cluster zone (specification.md §6.1)
    })
    .Upsert(new KubernetesServiceDescriptor
    {
        Namespace = "kiada",
        Name = "time-api",
        Type = ServiceType.ExternalName,
        ExternalName = "worldtimeapi.org",
    });

// One validated batch, one new snapshot. An invalid descriptor would throw ClusterValidationException and
// change nothing.
state.Apply(batch);

// The initial load is complete: from now on NXDOMAIN is answered as such, not as SERVFAIL (specification.md §12).
state.MarkSynced();

(string Name, RecordType Type)[] questions =
[
    ("quote.kiada.svc.cluster.local", RecordType.A),
    ("quote-headless.kiada.svc.cluster.local", RecordType.A),
    ("kiada.kiada.svc.cluster.local", RecordType.SRV),
    ("_http._tcp.kiada.kiada.svc.cluster.local", RecordType.SRV),
    ("time-api.kiada.svc.cluster.local", RecordType.A),
    ("nope.kiada.svc.cluster.local", RecordType.A),
];

// One snapshot answers every question, so all six answers come from the same state.
var snapshot = state.Current;
foreach (var (name, type) in questions)
{
    var resolution = snapshot.Resolve(name, type);
    Console.WriteLine(resolution);
    Console.WriteLine();
}

static EndpointDescriptor QuotePod(string address, string pod) => new()
{
    Addresses = [address],
    Ready = true,
    TargetRef = new ObjectReference { Kind = "Pod", Name = pod },
};
