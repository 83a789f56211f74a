namespace KubeDns.Records;

/// <summary>
/// The identity of an object in the cluster state: kind, namespace and name. Namespaces themselves have an empty
/// <see cref="Namespace"/>. Printed as Kubernetes users read it: <c>Service kiada/quote</c>.
/// </summary>
/// <param name="Kind">The object's kind.</param>
/// <param name="Namespace">The object's namespace; empty for a Namespace.</param>
/// <param name="Name">The object's name.</param>
public readonly record struct ObjectKey(ObjectKind Kind, string Namespace, string Name)
{
    /// <summary>The key of a Namespace.</summary>
    /// <param name="name">The namespace name.</param>
    /// <returns>The key.</returns>
    public static ObjectKey ForNamespace(string name) => new(ObjectKind.Namespace, string.Empty, name);

    /// <summary>The key of a Service.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The service name.</param>
    /// <returns>The key.</returns>
    public static ObjectKey ForService(string @namespace, string name) => new(ObjectKind.Service, @namespace, name);

    /// <summary>The key of an EndpointSlice.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The slice name.</param>
    /// <returns>The key.</returns>
    public static ObjectKey ForEndpointSlice(string @namespace, string name) => new(ObjectKind.EndpointSlice, @namespace, name);

    /// <summary>The key of a Pod.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The pod name.</param>
    /// <returns>The key.</returns>
    public static ObjectKey ForPod(string @namespace, string name) => new(ObjectKind.Pod, @namespace, name);

    /// <summary>Formats the key as <c>Kind namespace/name</c> (or <c>Namespace name</c>).</summary>
    /// <returns>The key as text.</returns>
    public override string ToString() =>
        Kind == ObjectKind.Namespace ? $"Namespace {Name}" : $"{Kind} {Namespace}/{Name}";
}
