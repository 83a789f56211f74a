using System.Diagnostics.CodeAnalysis;

namespace KubeDns.Records;

/// <summary>
/// DNS resource record types (RFC 1035 §3.2.2 and later registrations). Any 16-bit value may be cast to this
/// type; values without a member are unknown types, which the resolver answers like any other type the name lacks.
/// </summary>
public enum RecordType : ushort
{
    /// <summary>No type; never a valid query type.</summary>
    None = 0,

    /// <summary>IPv4 host address (RFC 1035 §3.4.1).</summary>
    A = 1,

    /// <summary>Authoritative name server (RFC 1035 §3.3.11).</summary>
    NS = 2,

    /// <summary>Canonical name (RFC 1035 §3.3.1).</summary>
    CNAME = 5,

    /// <summary>Start of authority (RFC 1035 §3.3.13).</summary>
    SOA = 6,

    /// <summary>Domain name pointer (RFC 1035 §3.3.12).</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The DNS mnemonic.")]
    PTR = 12,

    /// <summary>Host information (RFC 1035 §3.3.2); never served here.</summary>
    HINFO = 13,

    /// <summary>Mail exchange (RFC 1035 §3.3.9); never served here.</summary>
    MX = 15,

    /// <summary>Text strings (RFC 1035 §3.3.14).</summary>
    TXT = 16,

    /// <summary>IPv6 host address (RFC 3596).</summary>
    AAAA = 28,

    /// <summary>Service location (RFC 2782).</summary>
    SRV = 33,

    /// <summary>EDNS(0) option pseudo-record (RFC 6891); a meta type, never a valid question.</summary>
    OPT = 41,

    /// <summary>Transaction key (RFC 2930); a meta type, never a valid question.</summary>
    TKEY = 249,

    /// <summary>Transaction signature (RFC 8945); a meta type, never a valid question.</summary>
    TSIG = 250,

    /// <summary>Incremental zone transfer (RFC 1995); refused by servers.</summary>
    IXFR = 251,

    /// <summary>Full zone transfer (RFC 5936); refused by servers.</summary>
    AXFR = 252,

    /// <summary>Every record set the name owns (RFC 1035 §3.2.3, RFC 8482).</summary>
    ANY = 255,
}
