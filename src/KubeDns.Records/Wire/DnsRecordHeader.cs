namespace KubeDns.Records.Wire;

/// <summary>
/// The fixed fields of a resource record on the wire (RFC 1035 §4.1.3), as <see cref="DnsMessageReader.TryReadRecordHeader"/>
/// reads them, with the OPT record's reading of them (RFC 6891 §6.1.3).
/// </summary>
/// <param name="Type">TYPE.</param>
/// <param name="Class">CLASS; in an OPT record, the sender's UDP payload size.</param>
/// <param name="TimeToLive">TTL; in an OPT record, the extended RCODE, version and flags.</param>
/// <param name="DataOffset">Where the record's data starts in the message.</param>
/// <param name="DataLength">RDLENGTH.</param>
public readonly record struct DnsRecordHeader(RecordType Type, ushort Class, uint TimeToLive, int DataOffset, int DataLength)
{
    /// <summary>In an OPT record, the sender's UDP payload size (RFC 6891 §6.2.3).</summary>
    public ushort UdpPayloadSize => Class;

    /// <summary>In an OPT record, the upper eight bits of the response code (RFC 6891 §6.1.3).</summary>
    public byte ExtendedResponseCode => (byte)(TimeToLive >> 24);

    /// <summary>In an OPT record, the EDNS version.</summary>
    public byte EdnsVersion => (byte)(TimeToLive >> 16);

    /// <summary>In an OPT record, the DO bit (RFC 3225).</summary>
    public bool DnssecOk => (TimeToLive & 0x8000) != 0;
}
