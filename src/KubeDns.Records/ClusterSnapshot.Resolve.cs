using KubeDns.Records.Internal;

namespace KubeDns.Records;

/// <summary>The query path: name in, records out, no allocation (style rules 4–10).</summary>
public sealed partial class ClusterSnapshot
{
    /// <summary>The longest CNAME chain followed before answering with the CNAMEs so far (behaviour.md §11).</summary>
    private const int MaxCnameChain = 10;

    private enum Outcome
    {
        Answer,
        NoData,
        NameError,
        Cname,
        Stop,
    }

    /// <summary>
    /// Answers one question from this snapshot (behaviour.md §4–§12). Matching is ASCII case-insensitive, and answer
    /// owner names echo the query's spelling. Never throws for any name or type, and allocates nothing.
    /// </summary>
    /// <param name="name">The query name, absolute; the trailing dot is optional.</param>
    /// <param name="type">The query type.</param>
    /// <returns>The resolution; it views <paramref name="name"/>.</returns>
    public Resolution Resolve(ReadOnlySpan<char> name, RecordType type)
    {
        if (name.Length > 0 && name[^1] == '.')
        {
            name = name[..^1];
        }

        var resolution = new Resolution(name, type);
        var settings = Data.Settings;
        foreach (var zone in settings.ZonesLongestFirst)
        {
            if (DnsLabels.EndsWithLabels(name, zone))
            {
                ResolveInCluster(ref resolution, name, name.Length - zone.Length, type);
                return resolution;
            }
        }

        foreach (var zone in settings.ReverseZones)
        {
            if (DnsLabels.EndsWithLabels(name, zone))
            {
                ResolveInReverse(ref resolution, name, name.Length - zone.Length, type);
                return resolution;
            }
        }

        return resolution;
    }

    private void ResolveInCluster(ref Resolution resolution, ReadOnlySpan<char> name, int zoneStart, RecordType type)
    {
        if (zoneStart == 1)
        {
            // ".zone": an empty label is no name of ours (a wire-format query cannot carry one).
            resolution.Kind = IsSynced ? ResolutionKind.NameError : ResolutionKind.NotSynced;
            resolution.SetAuthority(new Segment(_clusterSoa, 0, 1, null, zoneStart, ownerIsSource: false));
            return;
        }

        var outcome = AnswerAt(ref resolution, name, zoneStart, source: null, type, out var cname);
        string? source = null;
        var sourceZone = zoneStart;
        var chain = 0;
        while (outcome == Outcome.Cname)
        {
            // RFC 1034 §3.6.2 / §4.3.2: every type but CNAME follows the alias; in-zone targets are answered from
            // this snapshot, others are left to the host's upstream (behaviour.md §11).
            chain++;
            if (type == RecordType.CNAME)
            {
                outcome = Outcome.Stop;
                break;
            }

            if (cname!.ZoneStart < 0)
            {
                resolution.ExternalTarget = cname.Name;
                outcome = Outcome.Stop;
                break;
            }

            source = cname.Name;
            sourceZone = cname.ZoneStart;
            outcome = AnswerAt(ref resolution, source.AsSpan(0, source.Length - 1), sourceZone, source, type, out cname);
        }

        if (source is not null && DnsLabels.EqualsIgnoreCase(name[zoneStart..], source.AsSpan(sourceZone, source.Length - 1 - sourceZone)))
        {
            // The chase ended in the query's own zone: its SOA is spelled as the query spelled the zone (§6.4).
            source = null;
            sourceZone = zoneStart;
        }

        switch (outcome)
        {
            case Outcome.Answer:
            case Outcome.Stop:
                resolution.Kind = ResolutionKind.Answer;
                break;
            case Outcome.NoData:
                // After a CNAME the answer section is not empty; the SOA still says the target lacks the type (RFC 2308 §2.2).
                resolution.Kind = chain > 0 ? ResolutionKind.Answer : ResolutionKind.NoData;
                resolution.SetAuthority(new Segment(_clusterSoa, 0, 1, source, sourceZone, ownerIsSource: false));
                break;
            default:
                // NXDOMAIN, also at the end of a CNAME chain (RFC 6604); SERVFAIL before sync (behaviour.md §12).
                resolution.Kind = IsSynced ? ResolutionKind.NameError : ResolutionKind.NotSynced;
                resolution.SetAuthority(new Segment(_clusterSoa, 0, 1, source, sourceZone, ownerIsSource: false));
                break;
        }
    }

    /// <summary>
    /// Answers at one name of a cluster zone: adds the answer (and additional) segments and says what happened.
    /// <paramref name="name"/> is the whole name without its dot; <paramref name="zoneStart"/> is where the zone
    /// starts in it; <paramref name="source"/> is null for the query, or the CNAME target being chased.
    /// </summary>
    private Outcome AnswerAt(ref Resolution resolution, ReadOnlySpan<char> name, int zoneStart, string? source, RecordType type, out CnameTarget? cname)
    {
        cname = null;
        var relative = zoneStart == 0 ? default : name[..(zoneStart - 1)];

        if (relative.IsEmpty)
        {
            // The apex: SOA and NS (+ the name server's addresses as glue), behaviour.md §7.
            return type switch
            {
                RecordType.SOA => Add(ref resolution, _clusterApex, 0, 1, source, zoneStart),
                RecordType.NS => AddWithAdditional(ref resolution, _clusterApex, 1, 1, _nameServerAddresses, source, zoneStart),
                RecordType.ANY => AddWithAdditional(ref resolution, _clusterApex, 0, 2, _nameServerAddresses, source, zoneStart),
                _ => Outcome.NoData,
            };
        }

        var node = Data.Index.Find(relative);
        if (node is null)
        {
            return StructuralName(ref resolution, relative, source, zoneStart, type);
        }

        if (node.Cname is not null)
        {
            // Each CNAME of a chain is one answer segment, so the segment count is the chain length so far.
            if (resolution.AnswerSegmentCount >= MaxCnameChain
                || resolution.AnswerContains(node.Records)
                || !resolution.TryAddAnswer(new Segment(node.Records, 0, 1, source, zoneStart, ownerIsSource: true)))
            {
                // A CNAME loop, or a chain longer than we keep: the CNAMEs so far, NOERROR (behaviour.md §11).
                return Outcome.Stop;
            }

            cname = node.Cname;
            return Outcome.Cname;
        }

        var (start, count) = node.Select(type);
        if (count == 0)
        {
            return Outcome.NoData;
        }

        return type is RecordType.SRV or RecordType.ANY
            ? AddWithAdditional(ref resolution, node.Records, start, count, node.SrvAdditional, source, zoneStart)
            : Add(ref resolution, node.Records, start, count, source, zoneStart);
    }

    /// <summary>The fixed names of a cluster zone that are not in the index (behaviour.md §4).</summary>
    private Outcome StructuralName(ref Resolution resolution, ReadOnlySpan<char> relative, string? source, int zoneStart, RecordType type)
    {
        if (DnsLabels.EqualsIgnoreCase(relative, "dns-version"))
        {
            return type is RecordType.TXT or RecordType.ANY ? Add(ref resolution, _dnsVersion, 0, 1, source, zoneStart) : Outcome.NoData;
        }

        if (DnsLabels.EqualsIgnoreCase(relative, "ns.dns"))
        {
            var aaaaStart = 0;
            while (aaaaStart < _nameServerAddresses.Length && _nameServerAddresses[aaaaStart].Type == RecordType.A)
            {
                aaaaStart++;
            }

            var (start, count) = type switch
            {
                RecordType.A => (0, aaaaStart),
                RecordType.AAAA => (aaaaStart, _nameServerAddresses.Length - aaaaStart),
                RecordType.ANY => (0, _nameServerAddresses.Length),
                _ => (0, 0),
            };
            return count == 0 ? Outcome.NoData : Add(ref resolution, _nameServerAddresses, start, count, source, zoneStart);
        }

        // Empty non-terminals that always exist (behaviour.md §1).
        if (DnsLabels.EqualsIgnoreCase(relative, "svc") || DnsLabels.EqualsIgnoreCase(relative, "pod") || DnsLabels.EqualsIgnoreCase(relative, "dns"))
        {
            return Outcome.NoData;
        }

        return Outcome.NameError;
    }

    /// <summary>Reverse zones: the apex answers SOA and NS; every other name is NXDOMAIN that a host may forward (behaviour.md §8).</summary>
    private void ResolveInReverse(ref Resolution resolution, ReadOnlySpan<char> name, int zoneStart, RecordType type)
    {
        if (zoneStart == 0)
        {
            var outcome = type switch
            {
                RecordType.SOA => Add(ref resolution, _reverseApex, 0, 1, null, 0),
                RecordType.NS => AddWithAdditional(ref resolution, _reverseApex, 1, 1, _reverseNameServerAddresses, null, 0),
                RecordType.ANY => AddWithAdditional(ref resolution, _reverseApex, 0, 2, _reverseNameServerAddresses, null, 0),
                _ => Outcome.NoData,
            };
            resolution.Kind = outcome == Outcome.Answer ? ResolutionKind.Answer : ResolutionKind.NoData;
            if (outcome != Outcome.Answer)
            {
                resolution.SetAuthority(new Segment(_reverseSoa, 0, 1, null, zoneStart, ownerIsSource: false));
            }

            return;
        }

        // Not a name we own: NXDOMAIN, or SERVFAIL before sync, marked so a host with an upstream forwards it.
        resolution.Kind = IsSynced ? ResolutionKind.NameError : ResolutionKind.NotSynced;
        resolution.IsReverseFallthrough = true;
        resolution.SetAuthority(new Segment(_reverseSoa, 0, 1, null, zoneStart, ownerIsSource: false));
    }

    private static Outcome Add(ref Resolution resolution, StoredRecord[] records, int start, int count, string? source, int zoneStart)
    {
        return resolution.TryAddAnswer(new Segment(records, start, count, source, zoneStart, ownerIsSource: true))
            ? Outcome.Answer
            : Outcome.Stop;
    }

    private static Outcome AddWithAdditional(
        ref Resolution resolution,
        StoredRecord[] records,
        int start,
        int count,
        StoredRecord[] additional,
        string? source,
        int zoneStart)
    {
        var outcome = Add(ref resolution, records, start, count, source, zoneStart);
        if (outcome == Outcome.Answer && additional.Length > 0)
        {
            resolution.SetAdditional(new Segment(additional, 0, additional.Length, source, zoneStart, ownerIsSource: false));
        }

        return outcome;
    }
}
