namespace KubeDns.Records;

/// <summary>The Kubernetes Service type (<c>spec.type</c>).</summary>
public enum ServiceType
{
    /// <summary>A virtual IP inside the cluster, or headless when the cluster IP is <c>None</c>.</summary>
    ClusterIP,

    /// <summary>A ClusterIP service also exposed on every node's port; DNS serves its cluster IPs.</summary>
    NodePort,

    /// <summary>A ClusterIP service also exposed by a load balancer; DNS serves its cluster IPs, never the balancer's.</summary>
    LoadBalancer,

    /// <summary>An alias: DNS serves a CNAME to <see cref="KubernetesServiceDescriptor.ExternalName"/>.</summary>
    ExternalName,
}
