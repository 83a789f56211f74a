namespace KubeDns.Records;

/// <summary>One entry of a <see cref="ClusterChangeBatch"/>: an upsert (with a descriptor) or a delete (without).</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Descriptor">
/// The new object (a <see cref="NamespaceDescriptor"/>, <see cref="KubernetesServiceDescriptor"/>,
/// <see cref="EndpointSliceDescriptor"/> or <see cref="PodDescriptor"/>), or null for a delete.
/// </param>
public readonly record struct ClusterChange(ObjectKey Key, object? Descriptor)
{
    /// <summary>True for a delete.</summary>
    public bool IsDelete => Descriptor is null;
}
