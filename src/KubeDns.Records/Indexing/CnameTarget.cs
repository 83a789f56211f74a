namespace KubeDns.Records.Indexing;

/// <summary>
/// The target of an ExternalName CNAME: its absolute text (lower case, with the trailing dot) and, when it lies in
/// a cluster zone, where that zone starts so the target can be chased in-zone (specification.md §11).
/// </summary>
/// <param name="Name">The target, lower case, ending with a dot.</param>
/// <param name="ZoneStart">The index in <paramref name="Name"/> where the cluster zone starts, or -1 when outside every cluster zone.</param>
internal sealed record CnameTarget(string Name, int ZoneStart);
