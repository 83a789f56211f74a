namespace KubeDns.Records;

/// <summary>The kinds of Kubernetes object the cluster state holds.</summary>
public enum ObjectKind
{
    /// <summary>A Namespace.</summary>
    Namespace,

    /// <summary>A Service.</summary>
    Service,

    /// <summary>An EndpointSlice.</summary>
    EndpointSlice,

    /// <summary>A Pod.</summary>
    Pod,
}
