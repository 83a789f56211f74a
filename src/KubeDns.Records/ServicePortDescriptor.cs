namespace KubeDns.Records;

/// <summary>One entry of a Service's <c>spec.ports</c>.</summary>
public sealed record ServicePortDescriptor
{
    /// <summary>
    /// The port name (<c>name</c>): an RFC 1123 label, or empty when the service has a single port. Only named
    /// ports get <c>_&lt;name&gt;._&lt;protocol&gt;</c> SRV names.
    /// </summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The protocol (<c>protocol</c>); TCP when not set, as in Kubernetes.</summary>
    public ServiceProtocol Protocol { get; init; } = ServiceProtocol.Tcp;

    /// <summary>The service port (<c>port</c>), 1–65535: the port SRV records carry.</summary>
    public required int Port { get; init; }
}
