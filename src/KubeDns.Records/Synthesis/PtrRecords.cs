using System.Collections.Immutable;
using KubeDns.Records.Answers;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.Settings;

namespace KubeDns.Records.Synthesis;

/// <summary>The PTR records of one reverse name (specification.md §8).</summary>
internal static class PtrRecords
{
    /// <summary>
    /// The PTR records of one address: a cluster-IP match wins; otherwise one record per (namespace, service,
    /// endpoint name) holding the address; targets in the primary cluster zone (specification.md §8).
    /// </summary>
    /// <param name="name">The reverse name, absolute without the trailing dot.</param>
    /// <param name="owners">The address's owners, sorted (<see cref="PtrOwner.CompareTo"/>): cluster IPs first.</param>
    /// <param name="settings">The settings, for the primary zone and TTL.</param>
    public static NameNode Node(string name, ImmutableArray<PtrOwner> owners, DnsSettings settings)
    {
        var clusterIP = owners[0].IsClusterIP;
        var records = new List<StoredRecord>();
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var owner in owners)
        {
            if (owner.IsClusterIP != clusterIP)
            {
                break;
            }

            var service = OwnerNames.Service(owner.Namespace, owner.Service);
            var target = OwnerNames.InZone(owner.IsClusterIP ? service : OwnerNames.Endpoint(owner.Endpoint!, service), settings.PrimaryZone);
            if (targets.Add(target))
            {
                records.Add(new StoredRecord(RecordType.PTR, settings.Ttl, NameRef.Absolute(name)) { Target = NameRef.Absolute(target) });
            }
        }

        return NameNode.ForType(RecordType.PTR, [.. records]);
    }
}
