namespace KubeDns.Records;

/// <summary>The transport protocol of a port; it becomes the <c>_tcp</c>, <c>_udp</c> or <c>_sctp</c> SRV label.</summary>
public enum ServiceProtocol
{
    /// <summary>TCP (the Kubernetes default).</summary>
    Tcp,

    /// <summary>UDP.</summary>
    Udp,

    /// <summary>SCTP.</summary>
    Sctp,
}
