namespace KubeDns.Records;

/// <summary>One entry of a <see cref="ClusterChangeBatch"/>: an upsert (with a descriptor) or a delete (without).</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Descriptor">The new object, or null for a delete.</param>
public readonly record struct ClusterChange(ObjectKey Key, IClusterObject? Descriptor)
{
    /// <summary>True for a delete.</summary>
    public bool IsDelete => Descriptor is null;
}
