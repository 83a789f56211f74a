namespace KubeDns.Records;

/// <summary>
/// A set of upserts and deletes applied to a <see cref="ClusterState"/> atomically: either every change is applied
/// and one new snapshot is published, or the batch is rejected and nothing changes (specification.md §2). Two entries
/// with the same key (kind, namespace, name) reject the batch.
/// </summary>
/// <remarks>A batch is a plain list of intentions; it is not thread-safe and may be applied more than once.</remarks>
public sealed class ClusterChangeBatch
{
    private readonly List<ClusterChange> _changes = [];

    /// <summary>The changes, in the order they were added.</summary>
    public IReadOnlyList<ClusterChange> Changes => _changes;

    /// <summary>The number of changes.</summary>
    public int Count => _changes.Count;

    /// <summary>Adds or replaces an object: a Namespace, Service, EndpointSlice or Pod.</summary>
    /// <param name="descriptor">The object; its <see cref="IClusterObject.Key"/> says which one it replaces.</param>
    /// <returns>This batch, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="descriptor"/> is null.</exception>
    public ClusterChangeBatch Upsert(IClusterObject descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        _changes.Add(new ClusterChange(descriptor.Key, descriptor));
        return this;
    }

    /// <summary>Deletes an object. Deleting an object that is not there is a no-op.</summary>
    /// <param name="key">The object's key.</param>
    /// <returns>This batch, for chaining.</returns>
    /// <exception cref="ArgumentException">The key's name is null or empty, or its namespace is null.</exception>
    public ClusterChangeBatch Delete(ObjectKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key.Name, nameof(key));
        ArgumentNullException.ThrowIfNull(key.Namespace, nameof(key));
        _changes.Add(new ClusterChange(key, null));
        return this;
    }
}
