namespace KubeDns.Records.Wire;

/// <summary>How <see cref="DnsWire.TryRespond"/> answers (specification.md §15).</summary>
public readonly record struct DnsWireOptions
{
    private readonly int _maxUdpPayloadSize;

    /// <summary>Our EDNS UDP payload size, advertised in OPT and the cap on UDP responses (512–65535; 0 means <see cref="DnsWire.DefaultUdpPayloadSize"/>).</summary>
    public int MaxUdpPayloadSize
    {
        get => _maxUdpPayloadSize == 0 ? DnsWire.DefaultUdpPayloadSize : _maxUdpPayloadSize;
        init => _maxUdpPayloadSize = Math.Clamp(value, DnsWire.MinUdpPayloadSize, DnsWire.MaxMessageLength);
    }

    /// <summary>Sets RA: true when the host forwards to an upstream.</summary>
    public bool RecursionAvailable { get; init; }

    /// <summary>
    /// When true, names outside every zone and reverse names no cluster object owns are not answered: the result is
    /// <see cref="DnsRespondStatus.Forward"/> and the host forwards the query (CoreDNS <c>fallthrough</c>). When false
    /// they get REFUSED and NXDOMAIN.
    /// </summary>
    public bool FallThrough { get; init; }
}
