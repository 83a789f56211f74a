namespace KubeDns.Records;

/// <summary>
/// A Kubernetes object the cluster state holds: <see cref="NamespaceDescriptor"/>, <see cref="KubernetesServiceDescriptor"/>,
/// <see cref="EndpointSliceDescriptor"/> or <see cref="PodDescriptor"/>. Only these four implement it (its validation
/// member is internal), so <see cref="ClusterState.Upsert"/> and <see cref="ClusterChangeBatch.Upsert"/> accept
/// exactly the objects the state can hold, and any other type is a compile error.
/// </summary>
public interface IClusterObject
{
    /// <summary>The key of this object in the cluster state: kind, namespace and name.</summary>
    ObjectKey Key { get; }

    /// <summary>Adds one line to <paramref name="errors"/> for each rule of specification.md §2 the object breaks.</summary>
    /// <param name="errors">Where the errors go, each naming the object, field and value.</param>
    internal void Validate(List<string> errors);
}
