namespace KubeDns.Records;

/// <summary>One entry of an EndpointSlice's <c>ports</c>: the port on the endpoints themselves.</summary>
public sealed record EndpointPortDescriptor
{
    /// <summary>The port name (<c>name</c>), matching the Service port's name; empty when unnamed.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The protocol (<c>protocol</c>); TCP when not set.</summary>
    public ServiceProtocol Protocol { get; init; } = ServiceProtocol.Tcp;

    /// <summary>The port number (<c>port</c>), 1–65535, or null for "all ports" (never used for SRV).</summary>
    public int? Port { get; init; }
}
