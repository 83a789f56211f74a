namespace KubeDns.Records;

/// <summary>Which stub resolver a pod uses, for the search-path model (specification.md §13).</summary>
public enum PodResolverKind
{
    /// <summary>glibc: with enough dots the name as-is first; moves on after NXDOMAIN, NODATA and SERVFAIL.</summary>
    Glibc,

    /// <summary>musl (Alpine images): with enough dots the name as-is only; moves on after NXDOMAIN only.</summary>
    Musl,

    /// <summary><c>dig +search</c>: glibc's candidates; moves on after NXDOMAIN only.</summary>
    DigSearch,
}
