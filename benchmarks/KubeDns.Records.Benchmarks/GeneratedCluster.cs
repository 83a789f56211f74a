using System.Globalization;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// A synthetic cluster, deterministic for a given shape (issue #8): <see cref="Services"/> services in namespaces of
/// <see cref="ServicesPerNamespace"/>; every <see cref="HeadlessEvery"/>-th service headless with
/// <see cref="MinEndpoints"/>–<see cref="MaxEndpoints"/> ready endpoints in slices of at most 100 (half of them
/// StatefulSet-style with host names, half named by their dashed address); every other service a ClusterIP service
/// with <see cref="ClusterIPEndpoints"/> endpoints, every <see cref="DualStackEvery"/>-th of them dual-stack; two
/// named ports each (<c>http</c> 80 → 8080, <c>metrics</c> 9090). The headless service in the middle of the cluster
/// (<see cref="ProbeHeadless"/>) has exactly <see cref="MaxEndpoints"/> endpoints.
/// </summary>
/// <remarks>
/// Addresses: cluster IPs from 10.96.0.16 up (IPv6 <c>fd00:10:96::</c>), headless endpoints from 10.128.0.0 (100 per
/// headless service, so at most 41,943 headless services), ClusterIP endpoints from 10.192.0.0.
/// </remarks>
public sealed class GeneratedCluster
{
    /// <summary>The most endpoints in one EndpointSlice, as the EndpointSlice controller cuts them.</summary>
    public const int EndpointsPerSlice = 100;

    private const int MaxHeadlessServices = (1 << 22) / 100;

    /// <summary>The shape of the benchmark clusters of issue #8: 20 % headless with 5–100 endpoints.</summary>
    /// <param name="services">The number of services.</param>
    public GeneratedCluster(int services)
        : this(services, servicesPerNamespace: 50, headlessEvery: 5, minEndpoints: 5, maxEndpoints: 100, clusterIPEndpoints: 2, dualStackEvery: 10)
    {
    }

    /// <summary>A cluster of any shape.</summary>
    /// <param name="services">The number of services (1–1,000,000; at most 41,943 of them headless).</param>
    /// <param name="servicesPerNamespace">Services per namespace.</param>
    /// <param name="headlessEvery">Every n-th service is headless (service n-1, 2n-1, …); 0 for none.</param>
    /// <param name="minEndpoints">The fewest endpoints of a headless service.</param>
    /// <param name="maxEndpoints">The most endpoints of a headless service (at most 100).</param>
    /// <param name="clusterIPEndpoints">The endpoints of each ClusterIP service (they make no records but are stored).</param>
    /// <param name="dualStackEvery">Every n-th service, when not headless, has an IPv6 cluster IP too; 0 for none.</param>
    public GeneratedCluster(int services, int servicesPerNamespace, int headlessEvery, int minEndpoints, int maxEndpoints, int clusterIPEndpoints, int dualStackEvery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(services, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(services, 1_000_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(servicesPerNamespace, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(headlessEvery);
        ArgumentOutOfRangeException.ThrowIfLessThan(minEndpoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEndpoints, minEndpoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEndpoints, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(clusterIPEndpoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clusterIPEndpoints, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(dualStackEvery);
        if (headlessEvery > 0 && (services / headlessEvery) + 1 > MaxHeadlessServices)
        {
            throw new ArgumentOutOfRangeException(nameof(services), services, $"at most {MaxHeadlessServices} headless services fit in 10.128.0.0/10");
        }

        Services = services;
        ServicesPerNamespace = servicesPerNamespace;
        HeadlessEvery = headlessEvery;
        MinEndpoints = minEndpoints;
        MaxEndpoints = maxEndpoints;
        ClusterIPEndpoints = clusterIPEndpoints;
        DualStackEvery = dualStackEvery;

        Probe = FindService(services / 2, i => !IsHeadless(i) && !IsDualStack(i));
        ProbeDualStack = FindService(services / 2, IsDualStack);
        ProbeHeadless = FindService(services / 2, IsHeadless);
    }

    public int Services { get; }

    public int ServicesPerNamespace { get; }

    public int HeadlessEvery { get; }

    public int MinEndpoints { get; }

    public int MaxEndpoints { get; }

    public int ClusterIPEndpoints { get; }

    public int DualStackEvery { get; }

    /// <summary>A single-stack ClusterIP service near the middle, or -1 when there is none.</summary>
    public int Probe { get; }

    /// <summary>A dual-stack ClusterIP service near the middle, or -1 when there is none.</summary>
    public int ProbeDualStack { get; }

    /// <summary>The headless service near the middle; it has exactly <see cref="MaxEndpoints"/> endpoints. -1 when there is none.</summary>
    public int ProbeHeadless { get; }

    public int Namespaces => ((Services - 1) / ServicesPerNamespace) + 1;

    /// <summary>The total number of endpoints (one address each).</summary>
    public long Endpoints
    {
        get
        {
            long total = 0;
            for (var i = 0; i < Services; i++)
            {
                total += EndpointCount(i);
            }

            return total;
        }
    }

    public static string NamespaceName(int ns) => "ns-" + ns.ToString(CultureInfo.InvariantCulture);

    public string Namespace(int service) => NamespaceName(service / ServicesPerNamespace);

    public static string Name(int service) => "svc-" + service.ToString(CultureInfo.InvariantCulture);

    /// <summary>The service's name in the cluster zone, absolute: <c>svc-1.ns-0.svc.cluster.local.</c>.</summary>
    public string Fqdn(int service) => $"{Name(service)}.{Namespace(service)}.svc.cluster.local.";

    public bool IsHeadless(int service) => HeadlessEvery > 0 && service % HeadlessEvery == HeadlessEvery - 1;

    public bool IsDualStack(int service) => !IsHeadless(service) && DualStackEvery > 0 && service % DualStackEvery == 0;

    /// <summary>StatefulSet-style headless services give their endpoints host names (<c>svc-4-0</c>, …).</summary>
    public bool HasHostnames(int service) => IsHeadless(service) && HeadlessIndex(service) % 2 == 0;

    /// <summary>
    /// The endpoints of a service: <see cref="ClusterIPEndpoints"/> for a ClusterIP service; for a headless service
    /// spread evenly over <see cref="MinEndpoints"/>–<see cref="MaxEndpoints"/>, with <see cref="ProbeHeadless"/> at the maximum.
    /// </summary>
    public int EndpointCount(int service)
    {
        if (!IsHeadless(service))
        {
            return ClusterIPEndpoints;
        }

        var span = MaxEndpoints - MinEndpoints + 1;
        var k = (((HeadlessIndex(service) - HeadlessIndex(ProbeHeadless)) % span) + span) % span;

        // 37 is prime to every span up to 100 but 37 and 74, so consecutive services walk the whole range; k = 0 is the maximum.
        return MinEndpoints + (int)((((long)k * 37) + span - 1) % span);
    }

    public string ClusterIP(int service) => IPv4(0x0A60_0010 + (uint)service);

    public string ClusterIPv6(int service)
    {
        var n = service + 16;
        return string.Create(CultureInfo.InvariantCulture, $"fd00:10:96::{n >> 16:x}:{n & 0xffff:x}");
    }

    /// <summary>The address of endpoint <paramref name="endpoint"/> of a service.</summary>
    public string EndpointAddress(int service, int endpoint) => IsHeadless(service)
        ? IPv4(0x0A80_0000 + (uint)((HeadlessIndex(service) * 100) + endpoint))
        : IPv4(0x0AC0_0000 + (uint)((service * ClusterIPEndpoints) + endpoint));

    /// <summary>The endpoint's name under its service: the host name, or the dashed address.</summary>
    public string EndpointName(int service, int endpoint) =>
        HasHostnames(service) ? Hostname(service, endpoint) : EndpointAddress(service, endpoint).Replace('.', '-');

    public static string Hostname(int service, int endpoint) => $"{Name(service)}-{endpoint.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The reverse name of an IPv4 address: <c>16.0.96.10.in-addr.arpa.</c>.</summary>
    public static string ReverseName(string ipv4)
    {
        var octets = ipv4.Split('.');
        return $"{octets[3]}.{octets[2]}.{octets[1]}.{octets[0]}.in-addr.arpa.";
    }

    /// <summary>Every service and slice as one batch.</summary>
    public ClusterChangeBatch Batch()
    {
        var batch = new ClusterChangeBatch();
        for (var i = 0; i < Services; i++)
        {
            batch.Upsert(Service(i));
            foreach (var slice in Slices(i))
            {
                batch.Upsert(slice);
            }
        }

        return batch;
    }

    /// <summary>A synced cluster state holding the whole cluster.</summary>
    public ClusterState CreateState(ClusterDnsOptions? options = null)
    {
        var state = new ClusterState(options ?? new ClusterDnsOptions());
        state.Apply(Batch());
        state.MarkSynced();
        return state;
    }

    /// <summary>The service; <paramref name="httpPort"/> lets a benchmark change it.</summary>
    public KubernetesServiceDescriptor Service(int service, int httpPort = 80)
    {
        string[] ips = IsHeadless(service)
            ? [KubernetesServiceDescriptor.None]
            : IsDualStack(service) ? [ClusterIP(service), ClusterIPv6(service)] : [ClusterIP(service)];
        return new KubernetesServiceDescriptor
        {
            Namespace = Namespace(service),
            Name = Name(service),
            ClusterIPs = [.. ips],
            Ports =
            [
                new ServicePortDescriptor { Name = "http", Port = httpPort },
                new ServicePortDescriptor { Name = "metrics", Port = 9090 },
            ],
        };
    }

    /// <summary>The service's EndpointSlices, cut every <see cref="EndpointsPerSlice"/> endpoints; none when it has no endpoints.</summary>
    /// <param name="service">The service.</param>
    /// <param name="notReady">An endpoint to mark not ready, or -1; lets a benchmark change a slice.</param>
    /// <param name="endpoints">The number of endpoints; <see cref="EndpointCount"/> when null.</param>
    public IEnumerable<EndpointSliceDescriptor> Slices(int service, int notReady = -1, int? endpoints = null)
    {
        var count = endpoints ?? EndpointCount(service);
        var name = Name(service);
        for (var first = 0; first < count; first += EndpointsPerSlice)
        {
            var list = new EndpointDescriptor[Math.Min(EndpointsPerSlice, count - first)];
            for (var e = 0; e < list.Length; e++)
            {
                var n = first + e;
                list[e] = new EndpointDescriptor
                {
                    Addresses = [EndpointAddress(service, n)],
                    Hostname = HasHostnames(service) ? Hostname(service, n) : null,
                    Ready = n == notReady ? false : null,
                    TargetRef = new ObjectReference { Kind = "Pod", Name = $"{name}-{n.ToString(CultureInfo.InvariantCulture)}" },
                };
            }

            yield return new EndpointSliceDescriptor
            {
                Namespace = Namespace(service),
                Name = $"{name}-{(first / EndpointsPerSlice).ToString(CultureInfo.InvariantCulture)}",
                ServiceName = name,
                Ports = [new EndpointPortDescriptor { Name = "http", Port = 8080 }, new EndpointPortDescriptor { Name = "metrics", Port = 9090 }],
                Endpoints = [.. list],
            };
        }
    }

    private int HeadlessIndex(int service) => service / HeadlessEvery;

    private int FindService(int from, Func<int, bool> match)
    {
        for (var d = 0; d < Services; d++)
        {
            if (from + d < Services && match(from + d))
            {
                return from + d;
            }

            if (from - d >= 0 && match(from - d))
            {
                return from - d;
            }
        }

        return -1;
    }

    private static string IPv4(uint address) => string.Create(
        CultureInfo.InvariantCulture,
        $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");
}
