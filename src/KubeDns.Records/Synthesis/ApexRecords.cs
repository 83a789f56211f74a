using KubeDns.Records.Answers;
using KubeDns.Records.Naming;
using KubeDns.Records.Settings;

namespace KubeDns.Records.Synthesis;

/// <summary>
/// The records every zone's apex and fixed names hold (specification.md §7, §4): SOA, NS, the name server's
/// addresses at <c>ns.dns</c> (glue), and the <c>dns-version</c> TXT. Built once per snapshot, since the SOA carries
/// the snapshot's serial; the only place they are made.
/// </summary>
internal sealed class ApexRecords
{
    private const uint SoaRefresh = 7200;
    private const uint SoaRetry = 1800;
    private const uint SoaExpire = 86400;
    private const uint DnsVersionTtl = 28800;

    /// <summary>The schema version the <c>dns-version</c> TXT record announces (Kubernetes DNS specification 1.1.0).</summary>
    private const string SchemaVersion = "1.1.0";

    /// <summary>
    /// The name server's address when neither <see cref="ClusterDnsOptions.NameServerAddresses"/> nor the
    /// <see cref="ClusterDnsOptions.NameServerService"/>'s records give one: 127.0.0.1, as CoreDNS serves its own bound
    /// address when no endpoint of its own exists (specification.md §7). The apex NS record then always has an address,
    /// so the zone is one BIND and Knot load (RFC 1035 §4.2.1 glue; named-checkzone refuses an in-zone NS without).
    /// </summary>
    private static readonly (UInt128 Address, bool IsV6)[] FallbackNameServer = [ParseAddress("127.0.0.1")];

    public ApexRecords(DnsSettings settings, (UInt128 Address, bool IsV6)[] nameServerAddresses, uint serial)
    {
        var primary = settings.PrimaryZone;
        var nsName = NameRef.Relative(OwnerNames.NameServer + ".");
        var reverseNsName = NameRef.Absolute(OwnerNames.InZone(OwnerNames.NameServer, primary));
        var apex = NameRef.Relative(string.Empty);

        // SOA (specification.md §7): names follow the zone as the query spells it in a cluster zone; in a reverse zone
        // they name the primary cluster zone, so the name server's name resolves (§16 n).
        ClusterSoa = [Soa(apex, nsName, NameRef.Relative(OwnerNames.Hostmaster + "."), settings, serial)];
        ReverseSoa = [Soa(apex, reverseNsName, NameRef.Absolute(OwnerNames.InZone(OwnerNames.Hostmaster, primary)), settings, serial)];
        var ns = new StoredRecord(RecordType.NS, settings.Ttl, apex) { Target = nsName };
        ClusterApex = [ClusterSoa[0], ns];
        ReverseApex = [ReverseSoa[0], ns with { Target = reverseNsName }];
        var nameServer = nameServerAddresses.Length > 0 ? nameServerAddresses : FallbackNameServer;
        NameServerAddresses = AddressRecords(nameServer, nsName, settings.Ttl);
        ReverseNameServerAddresses = AddressRecords(nameServer, reverseNsName, settings.Ttl);
        DnsVersion = [new StoredRecord(RecordType.TXT, DnsVersionTtl, NameRef.Relative(OwnerNames.DnsVersion + ".")) { Data = new[] { SchemaVersion } }];
    }

    /// <summary>The cluster zones' SOA, alone: the authority of negative answers.</summary>
    public StoredRecord[] ClusterSoa { get; }

    /// <summary>The reverse zones' SOA, alone.</summary>
    public StoredRecord[] ReverseSoa { get; }

    /// <summary>SOA then NS of a cluster zone's apex.</summary>
    public StoredRecord[] ClusterApex { get; }

    /// <summary>SOA then NS of a reverse zone's apex.</summary>
    public StoredRecord[] ReverseApex { get; }

    /// <summary>A then AAAA records of <c>ns.dns.&lt;zone&gt;</c>, zone-relative.</summary>
    public StoredRecord[] NameServerAddresses { get; }

    /// <summary>The same addresses owned by <c>ns.dns.&lt;primary zone&gt;</c>, for a reverse zone's NS glue.</summary>
    public StoredRecord[] ReverseNameServerAddresses { get; }

    /// <summary>The <c>dns-version</c> TXT record.</summary>
    public StoredRecord[] DnsVersion { get; }

    private static StoredRecord Soa(NameRef owner, NameRef mname, NameRef rname, DnsSettings settings, uint serial) =>
        new(RecordType.SOA, settings.SoaTtl, owner)
        {
            Target = mname,
            Data = new SoaFields(rname, serial, SoaRefresh, SoaRetry, SoaExpire, settings.Ttl),
        };

    private static (UInt128 Address, bool IsV6) ParseAddress(string text) =>
        IPText.TryParse(text, out var value, out var isV6) ? (value, isV6) : throw new ArgumentException(text, nameof(text));

    private static StoredRecord[] AddressRecords((UInt128 Address, bool IsV6)[] addresses, NameRef owner, uint ttl)
    {
        var records = new List<StoredRecord>();
        foreach (var v6 in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (var (address, isV6) in addresses)
            {
                if (isV6 == v6)
                {
                    records.Add(StoredRecord.ForAddress(owner, ttl, address, isV6));
                }
            }
        }

        return [.. records];
    }
}
