using System.Collections.Immutable;
using KubeDns.Records.Validation;

namespace KubeDns.Records;

/// <summary>
/// A Kubernetes Service, reduced to what cluster DNS needs. Immutable; validated when applied to a
/// <see cref="ClusterState"/> (specification.md §2).
/// </summary>
public sealed record KubernetesServiceDescriptor : IClusterObject
{
    /// <summary>The value of <see cref="ClusterIPs"/> that makes a service headless.</summary>
    public const string None = "None";

    private readonly ImmutableArray<string> _clusterIPs = [];
    private readonly ImmutableArray<ServicePortDescriptor> _ports = [];
    private readonly ImmutableArray<string> _externalIPs = [];
    private readonly ImmutableArray<string> _loadBalancerIngress = [];

    /// <summary>The namespace (<c>metadata.namespace</c>): an RFC 1123 label.</summary>
    public required string Namespace { get; init; }

    /// <summary>The service name (<c>metadata.name</c>): an RFC 1123 label.</summary>
    public required string Name { get; init; }

    /// <summary>The service type (<c>spec.type</c>); <see cref="ServiceType.ClusterIP"/> when not set.</summary>
    public ServiceType Type { get; init; } = ServiceType.ClusterIP;

    /// <summary>
    /// The cluster IPs (<c>spec.clusterIPs</c>): <c>["None"]</c> for a headless service, otherwise one or two
    /// addresses, at most one per family, in the order DNS serves them. Empty for ExternalName services.
    /// </summary>
    public ImmutableArray<string> ClusterIPs
    {
        get => _clusterIPs;
        init => _clusterIPs = value.IsDefault ? [] : value;
    }

    /// <summary>The ports (<c>spec.ports</c>), in order; SRV records follow this order.</summary>
    public ImmutableArray<ServicePortDescriptor> Ports
    {
        get => _ports;
        init => _ports = value.IsDefault ? [] : value;
    }

    /// <summary>The alias target of an ExternalName service (<c>spec.externalName</c>); null otherwise.</summary>
    public string? ExternalName { get; init; }

    /// <summary>External IPs (<c>spec.externalIPs</c>): carried for completeness, never served in a cluster zone.</summary>
    public ImmutableArray<string> ExternalIPs
    {
        get => _externalIPs;
        init => _externalIPs = value.IsDefault ? [] : value;
    }

    /// <summary>
    /// Load-balancer ingress IPs or host names (<c>status.loadBalancer.ingress</c>): carried for completeness, never
    /// served in a cluster zone (specification.md §6.1).
    /// </summary>
    public ImmutableArray<string> LoadBalancerIngress
    {
        get => _loadBalancerIngress;
        init => _loadBalancerIngress = value.IsDefault ? [] : value;
    }

    /// <summary>True when the service is headless (<c>clusterIPs: [None]</c>) and not an ExternalName service.</summary>
    public bool IsHeadless =>
        Type != ServiceType.ExternalName && _clusterIPs.Length == 1 && string.Equals(_clusterIPs[0], None, StringComparison.Ordinal);

    /// <summary>The key of this object in the cluster state.</summary>
    public ObjectKey Key => ObjectKey.ForService(Namespace, Name);

    /// <inheritdoc/>
    void IClusterObject.Validate(List<string> errors) => DescriptorValidator.Validate(this, errors);
}
