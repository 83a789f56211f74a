namespace KubeDns.Records.Wire;

/// <summary>What <see cref="DnsQuery.TryRead"/> made of a message (specification.md §15).</summary>
public enum DnsQueryStatus
{
    /// <summary>A well-formed query with exactly one question.</summary>
    Ok,

    /// <summary>Shorter than a DNS header (12 bytes): no reply is possible.</summary>
    TooShort,

    /// <summary>A response (QR = 1): never answered, so two servers cannot loop.</summary>
    IsResponse,

    /// <summary>The header is readable but the rest is malformed, or QDCOUNT is not 1: reply FORMERR.</summary>
    FormatError,
}
