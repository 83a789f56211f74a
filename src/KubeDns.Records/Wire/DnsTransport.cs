namespace KubeDns.Records.Wire;

/// <summary>The transport a query arrived on; it decides the size limit of the response (specification.md §15).</summary>
public enum DnsTransport
{
    /// <summary>UDP: 512 bytes without EDNS, else min(client's size, ours); larger answers are truncated with TC.</summary>
    Udp,

    /// <summary>TCP (RFC 7766): up to 65,535 bytes, never truncated; a larger answer is SERVFAIL.</summary>
    Tcp,
}
