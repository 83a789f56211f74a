namespace KubeDns.Records;

/// <summary>DNS response codes (RFC 1035 §4.1.1, RFC 6891 §9 for <see cref="BadVersion"/>).</summary>
public enum ResponseCode : ushort
{
    /// <summary>No error (NOERROR): an answer, or NODATA when the answer section is empty.</summary>
    NoError = 0,

    /// <summary>The query was malformed (FORMERR).</summary>
    FormatError = 1,

    /// <summary>The server could not answer (SERVFAIL), for example before the cluster state is synced.</summary>
    ServerFailure = 2,

    /// <summary>The name does not exist (NXDOMAIN).</summary>
    NameError = 3,

    /// <summary>The server does not implement the request (NOTIMP).</summary>
    NotImplemented = 4,

    /// <summary>The server refuses the request (REFUSED), for example a name outside every served zone.</summary>
    Refused = 5,

    /// <summary>Unsupported EDNS version (BADVERS, extended code 16; RFC 6891 §6.1.3).</summary>
    BadVersion = 16,
}
