using KubeDns.Records.Validation;

namespace KubeDns.Records;

/// <summary>
/// A Kubernetes Namespace. A namespace also exists, without this descriptor, when any Service, EndpointSlice or
/// Pod lives in it (specification.md §2), because hand-written test clusters often omit Namespace objects.
/// </summary>
public sealed record NamespaceDescriptor : IClusterObject
{
    /// <summary>The namespace name (<c>metadata.name</c>): an RFC 1123 label.</summary>
    public required string Name { get; init; }

    /// <summary>The key of this object in the cluster state.</summary>
    public ObjectKey Key => ObjectKey.ForNamespace(Name);

    /// <inheritdoc/>
    void IClusterObject.Validate(List<string> errors) => DescriptorValidator.Validate(this, errors);
}
