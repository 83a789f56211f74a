namespace KubeDns.Records;

/// <summary>How records are ordered within each RRset of an answer (specification.md §3, §6.6).</summary>
public enum RecordOrder
{
    /// <summary>The fixed order of specification.md §6.6, so golden files are stable (the default).</summary>
    Deterministic,

    /// <summary>Each query starts each RRset one record further on, round-robin.</summary>
    Rotate,

    /// <summary>Each query permutes each RRset pseudo-randomly, reproducibly from <see cref="ClusterDnsOptions.ShuffleSeed"/>.</summary>
    Shuffle,
}
