using KubeDns.Records.Answers;

namespace KubeDns.Records.Synthesis;

/// <summary>
/// The SRV weight rule (specification.md §6.2): every record of an answer weighs max(1, ⌊100/n⌋), n counting the
/// records actually sent (not CoreDNS's count before duplicates are removed, §16 e).
/// </summary>
internal static class SrvWeights
{
    /// <summary>The weight of each of <paramref name="count"/> SRV records.</summary>
    public static ushort For(int count) => (ushort)Math.Max(1, 100 / Math.Max(1, count));

    /// <summary>
    /// The records of a wildcard answer (§10), re-weighted over the whole union of matched names and given the
    /// wildcard answer's TTL.
    /// </summary>
    public static StoredRecord[] Reweighted(List<StoredRecord> srv, uint ttl)
    {
        var weight = For(srv.Count);
        var result = new StoredRecord[srv.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = srv[i] with { Weight = weight, Ttl = ttl };
        }

        return result;
    }
}
