namespace KubeDns.Records.Wire;

/// <summary>What <see cref="DnsWire.TryRespond"/> did with a query.</summary>
public enum DnsRespondStatus
{
    /// <summary>A response was written; send it.</summary>
    Respond,

    /// <summary>No response: the message was shorter than a header or was itself a response (specification.md §15).</summary>
    Drop,

    /// <summary>Not ours to answer (with <see cref="DnsWireOptions.FallThrough"/>): forward the query upstream.</summary>
    Forward,

    /// <summary>The destination buffer was too small even for the header and question.</summary>
    DestinationTooSmall,
}
