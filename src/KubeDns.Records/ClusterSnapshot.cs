using KubeDns.Records.Answers;
using KubeDns.Records.Naming;
using KubeDns.Records.Settings;
using KubeDns.Records.State;

namespace KubeDns.Records;

/// <summary>
/// One immutable state of the cluster and everything needed to answer from it. Published by
/// <see cref="ClusterState"/> after every successful batch; safe to use from any number of threads, and valid for
/// as long as anyone holds it (specification.md §12).
/// </summary>
public sealed partial class ClusterSnapshot
{
    private const uint SoaRefresh = 7200;
    private const uint SoaRetry = 1800;
    private const uint SoaExpire = 86400;
    private const uint DnsVersionTtl = 28800;

    private readonly StoredRecord[] _clusterSoa;
    private readonly StoredRecord[] _reverseSoa;
    private readonly StoredRecord[] _clusterApex;
    private readonly StoredRecord[] _reverseApex;
    private readonly StoredRecord[] _nameServerAddresses;
    private readonly StoredRecord[] _reverseNameServerAddresses;
    private readonly StoredRecord[] _dnsVersion;

    internal ClusterSnapshot(ClusterData data, uint serial, bool isSynced)
    {
        Data = data;
        Serial = serial;
        IsSynced = isSynced;

        var settings = data.Settings;
        var primary = settings.PrimaryZone;
        var nsName = NameRef.Relative("ns.dns.");
        var reverseNsName = NameRef.Absolute("ns.dns." + primary);
        var apex = NameRef.Relative(string.Empty);

        // SOA (specification.md §7): names follow the zone as the query spells it in a cluster zone; in a reverse zone
        // they name the primary cluster zone, so the name server's name resolves (§16 n).
        _clusterSoa = [Soa(apex, nsName, NameRef.Relative("hostmaster."), settings, serial)];
        _reverseSoa = [Soa(apex, reverseNsName, NameRef.Absolute("hostmaster." + primary), settings, serial)];
        var ns = new StoredRecord(RecordType.NS, settings.Ttl, apex) { Target = nsName };
        _clusterApex = [_clusterSoa[0], ns];
        _reverseApex = [_reverseSoa[0], ns with { Target = reverseNsName }];
        var nameServer = data.NameServerAddresses.Length > 0 ? data.NameServerAddresses : FallbackNameServer;
        _nameServerAddresses = AddressRecords(nameServer, nsName, settings.Ttl);
        _reverseNameServerAddresses = AddressRecords(nameServer, reverseNsName, settings.Ttl);
        _dnsVersion = [new StoredRecord(RecordType.TXT, DnsVersionTtl, NameRef.Relative("dns-version.")) { Data = new[] { "1.1.0" } }];
    }

    /// <summary>The SOA serial: strictly greater than every earlier snapshot's of the same state (specification.md §7).</summary>
    public uint Serial { get; }

    /// <summary>
    /// True once the host said its initial load is complete (<see cref="ClusterState.MarkSynced"/>). Until then,
    /// answers that would be NXDOMAIN in a cluster zone are SERVFAIL (specification.md §12).
    /// </summary>
    public bool IsSynced { get; }

    /// <summary>The number of services, visible or not.</summary>
    public int ServiceCount => Data.Services.Count;

    /// <summary>The number of EndpointSlices, including those waiting for their service.</summary>
    public int EndpointSliceCount => Data.Slices.Count;

    /// <summary>The number of pods.</summary>
    public int PodCount => Data.Pods.Count;

    /// <summary>The number of namespaces that exist (named by a Namespace or by any object in them).</summary>
    public int NamespaceCount => Data.NamespaceRefs.Count;

    /// <summary>The number of owner names indexed below <c>svc.&lt;zone&gt;</c>, empty non-terminals included.</summary>
    public int IndexedNameCount => Data.Index.Count;

    /// <summary>Every service, in no particular order.</summary>
    public IEnumerable<KubernetesServiceDescriptor> Services => Data.Services.Values;

    /// <summary>Every EndpointSlice, in no particular order.</summary>
    public IEnumerable<EndpointSliceDescriptor> EndpointSlices => Data.Slices.Values;

    /// <summary>Every Namespace descriptor given (namespaces implied by their objects are not listed), in no particular order.</summary>
    public IEnumerable<NamespaceDescriptor> Namespaces => Data.Namespaces.Values;

    /// <summary>Every pod, in no particular order.</summary>
    public IEnumerable<PodDescriptor> Pods => Data.Pods.Values;

    /// <summary>
    /// The names this snapshot leaves out although their objects are valid, because DNS cannot encode them (a label
    /// over 63 octets or a name over 255, RFC 1035 §2.3.4), ordered by object. Computed when read.
    /// </summary>
    public IReadOnlyList<ClusterWarning> Warnings
    {
        get
        {
            var all = new List<ClusterWarning>();
            foreach (var list in Data.Warnings.Values)
            {
                all.AddRange(list);
            }

            all.Sort(static (a, b) => string.CompareOrdinal(a.Message, b.Message));
            return all;
        }
    }

    internal ClusterData Data { get; }

    /// <summary>Finds a service by namespace and name.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The service name.</param>
    /// <returns>The service, or null.</returns>
    public KubernetesServiceDescriptor? FindService(string @namespace, string name) =>
        Data.Services.GetValueOrDefault(ObjectKey.ForService(@namespace, name));

    private static StoredRecord Soa(NameRef owner, NameRef mname, NameRef rname, DnsSettings settings, uint serial) =>
        new(RecordType.SOA, settings.SoaTtl, owner)
        {
            Target = mname,
            Data = new SoaFields(rname, serial, SoaRefresh, SoaRetry, SoaExpire, settings.Ttl),
        };

    /// <summary>
    /// The name server's address when neither <see cref="ClusterDnsOptions.NameServerAddresses"/> nor the
    /// <see cref="ClusterDnsOptions.NameServerService"/>'s records give one: 127.0.0.1, as CoreDNS serves its own bound
    /// address when no endpoint of its own exists (specification.md §7). The apex NS record then always has an address,
    /// so the zone is one BIND and Knot load (RFC 1035 §4.2.1 glue; named-checkzone refuses an in-zone NS without).
    /// </summary>
    private static readonly (UInt128 Address, bool IsV6)[] FallbackNameServer = [ParseAddress("127.0.0.1")];

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
