using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KubeDns.Records.Answers;

/// <summary>
/// A run of stored records in one section of a <see cref="Resolution"/>, with what their names are relative to.
/// The records are shared with the snapshot; a segment only points at them, which keeps resolving allocation-free.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct Segment
{
    public Segment(StoredRecord[]? records, int start, int count, string? source, int zoneStart, bool ownerIsSource, int rotation = 0, int step = 1)
    {
        Rotation = rotation;
        Step = step;
        Records = records;
        Start = start;
        Count = count;
        Source = source;
        ZoneStart = zoneStart;
        OwnerIsSource = ownerIsSource;
    }

    /// <summary>The records; null for the resolution's own inline record (a record made for this query).</summary>
    public StoredRecord[]? Records { get; }

    /// <summary>
    /// Record order within the segment (specification.md §6.6): position i shows record (Rotation + Step × i) mod Count.
    /// Step is coprime with Count, so this is a permutation; 0 and 1 keep the stored order.
    /// </summary>
    public int Rotation { get; }

    public int Step { get; }

    public Segment WithOrder(int rotation, int step) => new(Records, Start, Count, Source, ZoneStart, OwnerIsSource, rotation, step);

    public int Start { get; }

    public int Count { get; }

    /// <summary>
    /// The name the segment hangs off: null for the query name, otherwise an absolute name with a trailing dot
    /// (a CNAME target being chased).
    /// </summary>
    public string? Source { get; }

    /// <summary>Where the zone starts in the source (equal to its length, without the dot, when outside every zone).</summary>
    public int ZoneStart { get; }

    /// <summary>True for answer records: their owner is the source name as spelled (specification.md §6.4).</summary>
    public bool OwnerIsSource { get; }
}
