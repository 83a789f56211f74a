using System.Collections.Immutable;
using KubeDns.Records.Validation;

namespace KubeDns.Records;

/// <summary>
/// A Kubernetes EndpointSlice (discovery.k8s.io/v1). A slice may arrive before its Service; it is kept and used
/// once the Service exists (specification.md §2).
/// </summary>
public sealed record EndpointSliceDescriptor : IClusterObject
{
    private readonly ImmutableArray<EndpointPortDescriptor> _ports = [];
    private readonly ImmutableArray<EndpointDescriptor> _endpoints = [];

    /// <summary>The namespace (<c>metadata.namespace</c>).</summary>
    public required string Namespace { get; init; }

    /// <summary>The slice name (<c>metadata.name</c>); slices are served in ordinal order of this name.</summary>
    public required string Name { get; init; }

    /// <summary>The owning service (label <c>kubernetes.io/service-name</c>): an RFC 1123 label.</summary>
    public required string ServiceName { get; init; }

    /// <summary>The address family of every endpoint (<c>addressType</c>).</summary>
    public EndpointAddressType AddressType { get; init; } = EndpointAddressType.IPv4;

    /// <summary>The ports of the endpoints (<c>ports</c>), in order.</summary>
    public ImmutableArray<EndpointPortDescriptor> Ports
    {
        get => _ports;
        init => _ports = value.IsDefault ? [] : value;
    }

    /// <summary>The endpoints (<c>endpoints</c>), at most 1,000, in order.</summary>
    public ImmutableArray<EndpointDescriptor> Endpoints
    {
        get => _endpoints;
        init => _endpoints = value.IsDefault ? [] : value;
    }

    /// <summary>The key of this object in the cluster state.</summary>
    public ObjectKey Key => ObjectKey.ForEndpointSlice(Namespace, Name);

    /// <inheritdoc/>
    void IClusterObject.Validate(List<string> errors) => DescriptorValidator.Validate(this, errors);
}
