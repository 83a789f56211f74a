using KubeDns.Records.Answers;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;

namespace KubeDns.Records.Synthesis;

/// <summary>The A or AAAA record of a pod name, <c>&lt;dashed-ip&gt;.&lt;ns&gt;.pod</c> (specification.md §9).</summary>
internal static class PodRecords
{
    /// <summary>The node of a pod address for Verified pod records, owned by its canonical pod name.</summary>
    public static NameNode Node(UInt128 address, bool isV6, string ns, uint ttl)
    {
        var record = StoredRecord.ForAddress(NameRef.Relative(OwnerNames.Pod(IPText.Dashed(address, isV6), ns) + "."), ttl, address, isV6);
        return NameNode.ForRecords(isV6 ? [] : [record], isV6 ? [record] : [], [], []);
    }

    /// <summary>
    /// The record an Insecure pod name answers with (§9, §16 g): any well-formed address answers with itself. Made per
    /// query but kept inside the resolution; it has no owner of its own, since answers take the query's spelling (§6.4).
    /// </summary>
    public static StoredRecord Insecure(UInt128 address, bool isV6, uint ttl) => StoredRecord.ForAddress(default, ttl, address, isV6);
}
