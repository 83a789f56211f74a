using System.Runtime.InteropServices;

namespace KubeDns.Records.Answers;

/// <summary>
/// One resource record as the snapshot stores it: built once when a snapshot is made, never per query
/// (style rule 8). The owner is used for additional and authority records; answer records take the owner the
/// query spelled.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct StoredRecord
{
    public StoredRecord(RecordType type, uint ttl, NameRef owner)
    {
        Type = type;
        Ttl = ttl;
        Owner = owner;
    }

    public RecordType Type { get; init; }

    public uint Ttl { get; init; }

    public NameRef Owner { get; init; }

    /// <summary>CNAME, PTR and NS target; SRV target; SOA primary name server.</summary>
    public NameRef Target { get; init; }

    /// <summary>A or AAAA address in network order (IPv4 in the low 32 bits).</summary>
    public UInt128 Address { get; init; }

    public ushort Priority { get; init; }

    public ushort Weight { get; init; }

    public ushort Port { get; init; }

    /// <summary>TXT: <c>string[]</c>; SOA: <see cref="SoaFields"/>.</summary>
    public object? Data { get; init; }

    public bool IsV6 => Type == RecordType.AAAA;

    public static StoredRecord ForAddress(NameRef owner, uint ttl, UInt128 address, bool isV6) =>
        new(isV6 ? RecordType.AAAA : RecordType.A, ttl, owner) { Address = address };

    public static StoredRecord ForSrv(NameRef owner, uint ttl, ushort weight, ushort port, NameRef target) =>
        new(RecordType.SRV, ttl, owner) { Weight = weight, Port = port, Target = target };
}
