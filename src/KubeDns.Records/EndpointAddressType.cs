namespace KubeDns.Records;

/// <summary>The address family of an EndpointSlice (<c>addressType</c>).</summary>
public enum EndpointAddressType
{
    /// <summary>Every address is an IPv4 address.</summary>
    IPv4,

    /// <summary>Every address is an IPv6 address.</summary>
    IPv6,

    /// <summary>Fully qualified domain names; deprecated by Kubernetes, accepted and ignored here.</summary>
    Fqdn,
}
