using KubeDns.Records.Answers;
using KubeDns.Records.Settings;
using KubeDns.Records.State;
using KubeDns.Records.Synthesis;

namespace KubeDns.Records;

/// <summary>
/// One immutable state of the cluster and everything needed to answer from it. Published by
/// <see cref="ClusterState"/> after every successful batch; safe to use from any number of threads, and valid for
/// as long as anyone holds it (specification.md §12).
/// </summary>
public sealed partial class ClusterSnapshot
{
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

        // Held as fields, not through the apex object, so the query path reads them in one load.
        var apex = new ApexRecords(data.Settings, data.NameServerAddresses, serial);
        _clusterSoa = apex.ClusterSoa;
        _reverseSoa = apex.ReverseSoa;
        _clusterApex = apex.ClusterApex;
        _reverseApex = apex.ReverseApex;
        _nameServerAddresses = apex.NameServerAddresses;
        _reverseNameServerAddresses = apex.ReverseNameServerAddresses;
        _dnsVersion = apex.DnsVersion;
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
}
