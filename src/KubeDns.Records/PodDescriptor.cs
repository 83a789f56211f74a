using System.Collections.Immutable;
using KubeDns.Records.Validation;

namespace KubeDns.Records;

/// <summary>
/// A running Kubernetes Pod. Terminating and finished pods should not be given to the library (specification.md §2).
/// </summary>
public sealed record PodDescriptor : IClusterObject
{
    private readonly ImmutableArray<string> _ips = [];

    /// <summary>The namespace (<c>metadata.namespace</c>).</summary>
    public required string Namespace { get; init; }

    /// <summary>The pod name (<c>metadata.name</c>): an RFC 1123 subdomain of at most 253 characters.</summary>
    public required string Name { get; init; }

    /// <summary>The pod's IPs (<c>status.podIPs</c>), at most one per family.</summary>
    public ImmutableArray<string> IPs
    {
        get => _ips;
        init => _ips = value.IsDefault ? [] : value;
    }

    /// <summary>The key of this object in the cluster state.</summary>
    public ObjectKey Key => ObjectKey.ForPod(Namespace, Name);

    /// <inheritdoc/>
    void IClusterObject.Validate(List<string> errors) => DescriptorValidator.Validate(this, errors);
}
