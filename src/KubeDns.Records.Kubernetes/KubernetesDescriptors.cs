using System.Collections.Immutable;
using System.Globalization;
using k8s.Models;
using KubeDns.Records.Kubernetes.Internal;

namespace KubeDns.Records.Kubernetes;

/// <summary>
/// Maps single KubernetesClient models to KubeDns.Records descriptors. The mapping is literal: nothing is
/// allocated or derived here (<see cref="ClusterManifest"/> does that for whole clusters), except
/// <see cref="DeriveEndpointSlices"/>, which does what the EndpointSlice controller does for one Service.
/// </summary>
public static class KubernetesDescriptors
{
    /// <summary>The label that names an EndpointSlice's Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>
    /// The annotation that, set to <c>"true"</c> on a Service or its Endpoints, makes <c>notReadyAddresses</c> count
    /// as ready (the pre-<c>publishNotReadyAddresses</c> way, still honoured by CoreDNS for Endpoints).
    /// </summary>
    public const string TolerateUnreadyAnnotation = "service.alpha.kubernetes.io/tolerate-unready-endpoints";

    /// <summary>Maps a Namespace.</summary>
    /// <param name="value">The namespace.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="KubernetesFeedException">A field cannot be mapped; the message names the object and field.</exception>
    public static NamespaceDescriptor ToNamespace(V1Namespace value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new NamespaceDescriptor { Name = RequireName(value.Metadata, "Namespace", string.Empty) };
    }

    /// <summary>
    /// Maps a Service: type, <c>spec.clusterIPs</c> (or <c>spec.clusterIP</c>), ports, external name, external IPs
    /// and load-balancer ingress. A Service without a cluster IP maps to a descriptor without one, which the cluster
    /// state rejects; <see cref="ClusterManifest"/> allocates one first.
    /// </summary>
    /// <param name="value">The service; a missing namespace means <c>default</c>.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="KubernetesFeedException">A field cannot be mapped (unknown type or protocol); the message names the object and field.</exception>
    public static KubernetesServiceDescriptor ToService(V1Service value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var result = ToService(value, errors);
        ThrowIfAny(errors);
        return result;
    }

    /// <summary>Maps an EndpointSlice (discovery.k8s.io/v1); its Service is named by the <see cref="ServiceNameLabel"/> label.</summary>
    /// <param name="value">The slice; a missing namespace means <c>default</c>.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="KubernetesFeedException">The service label is missing, or the address type or a protocol is unknown.</exception>
    public static EndpointSliceDescriptor ToEndpointSlice(V1EndpointSlice value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var result = ToEndpointSlice(value, errors);
        ThrowIfAny(errors);
        return result;
    }

    /// <summary>
    /// Maps legacy Endpoints to EndpointSlices, one per subset and address family, named
    /// <c>&lt;name&gt;-&lt;subset&gt;-ipv4</c> / <c>-ipv6</c>. <c>addresses</c> are ready; <c>notReadyAddresses</c> are
    /// included as not ready, or as ready when the Endpoints or <paramref name="service"/> carries
    /// <see cref="TolerateUnreadyAnnotation"/> = <c>"true"</c>.
    /// </summary>
    /// <param name="value">The Endpoints object; its name is the Service's.</param>
    /// <param name="service">The Service of the same name, for its annotation; optional.</param>
    /// <returns>The slices, possibly none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="KubernetesFeedException">A protocol is unknown or an address is not an IP address.</exception>
    public static IReadOnlyList<EndpointSliceDescriptor> ToEndpointSlices(V1Endpoints value, V1Service? service = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var result = ToEndpointSlices(value, service, errors);
        ThrowIfAny(errors);
        return result;
    }

    /// <summary>
    /// Maps a Pod to its name and IPs (<c>status.podIPs</c>, else <c>status.podIP</c>); null for a pod that is
    /// terminating (<c>metadata.deletionTimestamp</c> set) or finished (phase Succeeded or Failed), which cluster DNS
    /// must not see (specification.md §2).
    /// </summary>
    /// <param name="value">The pod; a missing namespace means <c>default</c>.</param>
    /// <returns>The descriptor, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="KubernetesFeedException">The name is missing.</exception>
    public static PodDescriptor? ToPod(V1Pod value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsActive(value))
        {
            return null;
        }

        var ns = NamespaceOf(value.Metadata);
        return new PodDescriptor { Namespace = ns, Name = RequireName(value.Metadata, "Pod", ns), IPs = PodIPs(value) };
    }

    /// <summary>True for a pod that is neither terminating nor finished: one the EndpointSlice controller and cluster DNS see.</summary>
    /// <param name="value">The pod.</param>
    /// <returns>True when the pod counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static bool IsActive(V1Pod value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Metadata?.DeletionTimestamp is null
            && value.Status?.Phase is not ("Succeeded" or "Failed");
    }

    /// <summary>
    /// Derives a Service's EndpointSlices from pods, as the EndpointSlice controller does: active pods in the
    /// service's namespace whose labels match its selector, sorted by name; ready from the pod's Ready condition
    /// (every pod with <c>publishNotReadyAddresses</c>); <c>hostname</c> only when the pod's <c>spec.subdomain</c>
    /// equals the service name; targetRef the pod; one address per pod IP of each of the service's families
    /// (its cluster IPs' families, or <c>spec.ipFamilies</c> for a headless service, IPv4 when unset); ports the
    /// service's target ports, a named target port resolved against the pod's container ports. One slice per
    /// family, named <c>&lt;service&gt;-ipv4</c> / <c>-ipv6</c>. A Service without a selector, or of type
    /// ExternalName, gets none.
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="pods">Candidate pods; others are ignored.</param>
    /// <returns>The slices; none when no pod matches.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IReadOnlyList<EndpointSliceDescriptor> DeriveEndpointSlices(V1Service service, IEnumerable<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pods);
        var families = ServiceFamilies.Wanted(service, new List<string>(), label: string.Empty).Families;
        var given = ServiceFamilies.GivenIPs(service);
        if (given.Count > 0 && !given.Contains(KubernetesServiceDescriptor.None))
        {
            families = [.. given.Select(ip => ip.Contains(':', StringComparison.Ordinal))];
        }

        return EndpointController.Derive(service, families, pods);
    }

    internal static KubernetesServiceDescriptor ToService(V1Service value, List<string> errors)
    {
        var ns = NamespaceOf(value.Metadata);
        var name = RequireName(value.Metadata, "Service", ns);
        var who = ManifestObject.LabelOf("Service", ns, name);
        var spec = value.Spec ?? new V1ServiceSpec();
        var type = spec.Type switch
        {
            null or "" or "ClusterIP" => ServiceType.ClusterIP,
            "NodePort" => ServiceType.NodePort,
            "LoadBalancer" => ServiceType.LoadBalancer,
            "ExternalName" => ServiceType.ExternalName,
            _ => Error(errors, $"{who}: spec.type: '{spec.Type}' is not ClusterIP, NodePort, LoadBalancer or ExternalName", ServiceType.ClusterIP),
        };

        var ports = ImmutableArray.CreateBuilder<ServicePortDescriptor>();
        for (var i = 0; i < (spec.Ports?.Count ?? 0); i++)
        {
            var port = spec.Ports![i];
            if (port is null)
            {
                errors.Add(Invariant($"{who}: spec.ports[{i}]: is empty"));
                continue;
            }

            ports.Add(new ServicePortDescriptor
            {
                Name = port.Name ?? string.Empty,
                Protocol = Protocol(port.Protocol, Invariant($"{who}: spec.ports[{i}].protocol"), errors),
                Port = port.Port,
            });
        }

        var ingress = value.Status?.LoadBalancer?.Ingress ?? [];
        return new KubernetesServiceDescriptor
        {
            Namespace = ns,
            Name = name,
            Type = type,
            ClusterIPs = [.. ServiceFamilies.GivenIPs(value)],
            Ports = ports.ToImmutable(),
            ExternalName = string.IsNullOrEmpty(spec.ExternalName) ? null : spec.ExternalName,
            ExternalIPs = [.. spec.ExternalIPs ?? []],
            LoadBalancerIngress = [.. ingress.Select(i => i?.Ip ?? i?.Hostname).OfType<string>()],
        };
    }

    internal static EndpointSliceDescriptor ToEndpointSlice(V1EndpointSlice value, List<string> errors)
    {
        var ns = NamespaceOf(value.Metadata);
        var name = RequireName(value.Metadata, "EndpointSlice", ns);
        var who = ManifestObject.LabelOf("EndpointSlice", ns, name);
        string? service = null;
        if (value.Metadata?.Labels?.TryGetValue(ServiceNameLabel, out var label) == true && !string.IsNullOrEmpty(label))
        {
            service = label;
        }
        else
        {
            errors.Add($"{who}: metadata.labels[{ServiceNameLabel}]: is required: it names the Service the slice belongs to");
        }

        var addressType = value.AddressType switch
        {
            "IPv4" => EndpointAddressType.IPv4,
            "IPv6" => EndpointAddressType.IPv6,
            "FQDN" => EndpointAddressType.Fqdn,
            null or "" => Error(errors, $"{who}: addressType: is required (IPv4, IPv6 or FQDN)", EndpointAddressType.IPv4),
            _ => Error(errors, $"{who}: addressType: '{value.AddressType}' is not IPv4, IPv6 or FQDN", EndpointAddressType.IPv4),
        };

        var ports = ImmutableArray.CreateBuilder<EndpointPortDescriptor>();
        for (var i = 0; i < (value.Ports?.Count ?? 0); i++)
        {
            var port = value.Ports![i];
            ports.Add(new EndpointPortDescriptor
            {
                Name = port?.Name ?? string.Empty,
                Protocol = Protocol(port?.Protocol, Invariant($"{who}: ports[{i}].protocol"), errors),
                Port = port?.Port,
            });
        }

        var endpoints = ImmutableArray.CreateBuilder<EndpointDescriptor>();
        foreach (var endpoint in value.Endpoints ?? [])
        {
            endpoints.Add(new EndpointDescriptor
            {
                Addresses = [.. endpoint?.Addresses ?? []],
                Hostname = string.IsNullOrEmpty(endpoint?.Hostname) ? null : endpoint.Hostname,
                Ready = endpoint?.Conditions?.Ready,
                TargetRef = Reference(endpoint?.TargetRef),
                NodeName = endpoint?.NodeName,
                Zone = endpoint?.Zone,
            });
        }

        return new EndpointSliceDescriptor
        {
            Namespace = ns,
            Name = name,
            ServiceName = service ?? string.Empty,
            AddressType = addressType,
            Ports = ports.ToImmutable(),
            Endpoints = endpoints.ToImmutable(),
        };
    }

    internal static List<EndpointSliceDescriptor> ToEndpointSlices(V1Endpoints value, V1Service? service, List<string> errors)
    {
        var ns = NamespaceOf(value.Metadata);
        var name = RequireName(value.Metadata, "Endpoints", ns);
        var who = ManifestObject.LabelOf("Endpoints", ns, name);
        var tolerate = Tolerates(value.Metadata) || Tolerates(service?.Metadata);
        var slices = new List<EndpointSliceDescriptor>();
        for (var s = 0; s < (value.Subsets?.Count ?? 0); s++)
        {
            var subset = value.Subsets![s];
            if (subset is null)
            {
                continue;
            }

            var ports = ImmutableArray.CreateBuilder<EndpointPortDescriptor>();
            for (var i = 0; i < (subset.Ports?.Count ?? 0); i++)
            {
                var port = subset.Ports![i];
                ports.Add(new EndpointPortDescriptor
                {
                    Name = port?.Name ?? string.Empty,
                    Protocol = Protocol(port?.Protocol, Invariant($"{who}: subsets[{s}].ports[{i}].protocol"), errors),
                    Port = port?.Port,
                });
            }

            var v4 = ImmutableArray.CreateBuilder<EndpointDescriptor>();
            var v6 = ImmutableArray.CreateBuilder<EndpointDescriptor>();
            Add(subset.Addresses, "addresses", ready: true);
            Add(subset.NotReadyAddresses, "notReadyAddresses", ready: tolerate);
            foreach (var (family, endpoints) in new[] { ("ipv4", v4), ("ipv6", v6) })
            {
                if (endpoints.Count > 0)
                {
                    slices.Add(new EndpointSliceDescriptor
                    {
                        Namespace = ns,
                        Name = Invariant($"{name}-{s}-{family}"),
                        ServiceName = name,
                        AddressType = family == "ipv4" ? EndpointAddressType.IPv4 : EndpointAddressType.IPv6,
                        Ports = ports.ToImmutable(),
                        Endpoints = endpoints.ToImmutable(),
                    });
                }
            }

            void Add(IList<V1EndpointAddress>? addresses, string field, bool ready)
            {
                for (var i = 0; i < (addresses?.Count ?? 0); i++)
                {
                    var address = addresses![i];
                    if (address?.Ip is not { } ip || !System.Net.IPAddress.TryParse(ip, out var parsed))
                    {
                        errors.Add(Invariant($"{who}: subsets[{s}].{field}[{i}].ip: '{address?.Ip}' is not a valid IP address"));
                        continue;
                    }

                    var endpoint = new EndpointDescriptor
                    {
                        Addresses = [ip],
                        Hostname = string.IsNullOrEmpty(address.Hostname) ? null : address.Hostname,
                        Ready = ready,
                        TargetRef = Reference(address.TargetRef),
                        NodeName = address.NodeName,
                    };
                    (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? v6 : v4).Add(endpoint);
                }
            }
        }

        return slices;
    }

    internal static ImmutableArray<string> PodIPs(V1Pod pod)
    {
        var ips = new List<string>();
        foreach (var ip in pod.Status?.PodIPs ?? [])
        {
            if (!string.IsNullOrEmpty(ip?.Ip) && !ips.Contains(ip.Ip))
            {
                ips.Add(ip.Ip);
            }
        }

        if (ips.Count == 0 && !string.IsNullOrEmpty(pod.Status?.PodIP))
        {
            ips.Add(pod.Status.PodIP);
        }

        return [.. ips];
    }

    internal static string NamespaceOf(V1ObjectMeta? metadata) =>
        string.IsNullOrEmpty(metadata?.NamespaceProperty) ? "default" : metadata.NamespaceProperty;

    private static string RequireName(V1ObjectMeta? metadata, string kind, string ns) =>
        string.IsNullOrEmpty(metadata?.Name)
            ? throw new KubernetesFeedException([$"{kind}{(ns.Length > 0 ? " in namespace " + ns : string.Empty)}: metadata.name: is required"])
            : metadata.Name;

    private static bool Tolerates(V1ObjectMeta? metadata) =>
        metadata?.Annotations?.TryGetValue(TolerateUnreadyAnnotation, out var value) == true
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static ObjectReference? Reference(V1ObjectReference? reference) =>
        reference is { Kind: { Length: > 0 } kind, Name: { Length: > 0 } name }
            ? new ObjectReference { Kind = kind, Namespace = reference.NamespaceProperty, Name = name }
            : null;

    private static ServiceProtocol Protocol(string? protocol, string field, List<string> errors) => protocol switch
    {
        null or "" or "TCP" => ServiceProtocol.Tcp,
        "UDP" => ServiceProtocol.Udp,
        "SCTP" => ServiceProtocol.Sctp,
        _ => Error(errors, $"{field}: '{protocol}' is not TCP, UDP or SCTP", ServiceProtocol.Tcp),
    };

    private static T Error<T>(List<string> errors, string message, T fallback)
    {
        errors.Add(message);
        return fallback;
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new KubernetesFeedException(errors);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
