namespace KubeDns.Records;

/// <summary>What kind of answer a <see cref="Resolution"/> is (specification.md §1, §5, §7, §12, §15).</summary>
public enum ResolutionKind
{
    /// <summary>NOERROR with records in the answer section (possibly only a CNAME chain).</summary>
    Answer,

    /// <summary>NOERROR with an empty answer and the zone's SOA in authority: the name exists, the type does not.</summary>
    NoData,

    /// <summary>NXDOMAIN with the zone's SOA in authority: nothing exists at or below the name.</summary>
    NameError,

    /// <summary>
    /// SERVFAIL with the zone's SOA in authority: the answer would be NXDOMAIN, but the snapshot is not synced yet,
    /// so the data may still be arriving (specification.md §12).
    /// </summary>
    NotSynced,

    /// <summary>The name is in none of the served zones. A server refuses it, or forwards it to an upstream.</summary>
    OutsideZones,
}
