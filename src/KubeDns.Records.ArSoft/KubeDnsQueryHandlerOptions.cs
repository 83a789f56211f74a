using KubeDns.Records.Wire;

namespace KubeDns.Records.ArSoft;

/// <summary>How a <see cref="KubeDnsQueryHandler"/> answers; the core's <see cref="DnsWireOptions"/> for an ARSoft server.</summary>
public sealed class KubeDnsQueryHandlerOptions
{
    /// <summary>
    /// Our EDNS UDP payload size, advertised in OPT and the cap on UDP responses (512–65535). Default
    /// <see cref="DnsWire.DefaultUdpPayloadSize"/> (1232, DNS Flag Day 2020).
    /// </summary>
    public int MaxUdpPayloadSize { get; set; } = DnsWire.DefaultUdpPayloadSize;

    /// <summary>
    /// When true, queries for names outside every cluster zone (and reverse names no cluster object owns) are left
    /// unanswered, so the server's other handlers answer them; when false (the default) they get REFUSED and NXDOMAIN
    /// (CoreDNS <c>fallthrough</c>; specification.md §15).
    /// </summary>
    public bool FallThrough { get; set; }

    /// <summary>Sets RA in our responses: true when another handler of the same server resolves other names recursively.</summary>
    public bool RecursionAvailable { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        if (MaxUdpPayloadSize is < DnsWire.MinUdpPayloadSize or > DnsWire.MaxMessageLength)
        {
            throw new ArgumentException($"KubeDnsQueryHandlerOptions.MaxUdpPayloadSize: {MaxUdpPayloadSize} is not in {DnsWire.MinUdpPayloadSize}..{DnsWire.MaxMessageLength}.", nameof(MaxUdpPayloadSize));
        }
    }

    /// <summary>The core's options these stand for.</summary>
    internal DnsWireOptions ToWireOptions() => new()
    {
        MaxUdpPayloadSize = MaxUdpPayloadSize,
        RecursionAvailable = RecursionAvailable,
        FallThrough = FallThrough,
    };
}
