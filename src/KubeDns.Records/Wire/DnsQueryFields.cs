namespace KubeDns.Records.Wire;

/// <summary>
/// The fields of a DNS query message (RFC 1035 §4.1) for <see cref="DnsWire.TryWriteQuery"/>: the header a client
/// sets, the question, and an optional EDNS(0) OPT record (RFC 6891 §6.1.2). The property names are
/// <see cref="DnsQuery"/>'s, so a query read can be written again field by field. Nothing is checked here: any
/// value can be written, including ones a server must reject (a second question, an opcode other than QUERY, an EDNS
/// version above 0), so that a test or an adapter can reproduce exactly what a client sent.
/// </summary>
public readonly ref struct DnsQueryFields
{
    /// <summary>Creates the fields of a one-question query of class IN, without EDNS.</summary>
    public DnsQueryFields()
    {
    }

    /// <summary>The transaction ID.</summary>
    public ushort Id { get; init; }

    /// <summary>The opcode (0 = QUERY); only its low four bits are written.</summary>
    public int Opcode { get; init; }

    /// <summary>RD: recursion desired.</summary>
    public bool RecursionDesired { get; init; }

    /// <summary>CD: checking disabled (RFC 4035 §3.2.2).</summary>
    public bool CheckingDisabled { get; init; }

    /// <summary>
    /// The question name in presentation format, as <see cref="DnsName.TryParse"/> reads it (escapes included); a
    /// relative name is written as absolute.
    /// </summary>
    public ReadOnlySpan<char> Name { get; init; }

    /// <summary>The question's type.</summary>
    public RecordType Type { get; init; }

    /// <summary>The question's class; 1 (IN) unless set.</summary>
    public ushort Class { get; init; } = 1;

    /// <summary>
    /// QDCOUNT, and how many times the question is written: 1 unless set; 0 writes none and 2 or more repeat it, as
    /// malformed queries do (specification.md §15.1).
    /// </summary>
    public int QuestionCount { get; init; } = 1;

    /// <summary>Whether an OPT record is written in the additional section.</summary>
    public bool HasEdns { get; init; }

    /// <summary>The UDP payload size in the OPT record (RFC 6891 §6.2.3); <see cref="DnsWire.DefaultUdpPayloadSize"/> unless set.</summary>
    public ushort UdpPayloadSize { get; init; } = DnsWire.DefaultUdpPayloadSize;

    /// <summary>The EDNS version in the OPT record; 0 unless set.</summary>
    public byte EdnsVersion { get; init; }

    /// <summary>The DO bit in the OPT record (RFC 3225).</summary>
    public bool DnssecOk { get; init; }
}
