using KubeDns.Records.Answers;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.State;
using KubeDns.Records.Synthesis;

namespace KubeDns.Records;

/// <summary>The query path: name in, records out, no allocation (style rules 4–10).</summary>
public sealed partial class ClusterSnapshot
{
    /// <summary>The longest CNAME chain followed before answering with the CNAMEs so far (specification.md §11).</summary>
    private const int MaxCnameChain = 10;

    /// <summary>Queries answered, for <see cref="RecordOrder.Rotate"/> and <see cref="RecordOrder.Shuffle"/>.</summary>
    private int _queries;

    private enum Outcome
    {
        Answer,
        NoData,
        NameError,
        Cname,
        Stop,
    }

    /// <summary>
    /// Answers one question from this snapshot (specification.md §4–§12). Matching is ASCII case-insensitive, and answer
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
        if (settings.RecordOrder != RecordOrder.Deterministic)
        {
            var n = (uint)Interlocked.Increment(ref _queries);
            resolution.SetOrder(settings.RecordOrder, settings.RecordOrder == RecordOrder.Shuffle ? Mix((uint)settings.ShuffleSeed, n) : n);
        }
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
        if (zoneStart == 1 || name.Length > DnsLabels.MaxNameLength)
        {
            // ".zone": an empty label is no name of ours, nor is a name too long for DNS (RFC 1035 §2.3.4); a
            // wire-format query can carry neither.
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
            // this snapshot, others are left to the host's upstream (specification.md §11).
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
                // NXDOMAIN, also at the end of a CNAME chain (RFC 6604); SERVFAIL before sync (specification.md §12).
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
            // The apex: SOA and NS (+ the name server's addresses as glue), specification.md §7.
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
            // A name that exists is answered as itself even when a label of it is "any": a real name shadows the
            // wildcard (RFC 4592 §2.2.1, §3.3). Only names that do not exist are wildcard answers (§10).
            return Data.Settings.Wildcards && Wildcard.IsWildcardQuery(relative)
                ? WildcardAnswer(ref resolution, relative, source, zoneStart, type)
                : StructuralName(ref resolution, relative, source, zoneStart, type);
        }

        if (node.Cname is not null)
        {
            // Each CNAME of a chain is one answer segment, so the segment count is the chain length so far.
            if (resolution.AnswerSegmentCount >= MaxCnameChain
                || resolution.AnswerContains(node.Records)
                || !resolution.TryAddAnswer(new Segment(node.Records, 0, 1, source, zoneStart, ownerIsSource: true)))
            {
                // A CNAME loop, or a chain longer than we keep: the CNAMEs so far, NOERROR (specification.md §11).
                return Outcome.Stop;
            }

            cname = node.Cname;
            return Outcome.Cname;
        }

        return AnswerFromNode(ref resolution, node, source, zoneStart, type);
    }

    /// <summary>The records a node holds for a type; ANY gives each RRset as its own segment so order applies per RRset.</summary>
    private static Outcome AnswerFromNode(ref Resolution resolution, NameNode node, string? source, int zoneStart, RecordType type)
    {
        var (start, count) = node.Select(type);
        if (count == 0)
        {
            return Outcome.NoData;
        }

        if (type == RecordType.ANY && node.SrvStart > 0)
        {
            Add(ref resolution, node.Records, 0, node.AaaaStart, source, zoneStart);
            Add(ref resolution, node.Records, node.AaaaStart, node.SrvStart - node.AaaaStart, source, zoneStart);
            start = node.SrvStart;
            count = node.Records.Length - node.SrvStart;
            if (count == 0)
            {
                return Outcome.Answer;
            }
        }

        return type switch
        {
            RecordType.SRV => AddWithAdditional(ref resolution, node.Records, start, count, node.SrvAdditional, source, zoneStart),
            RecordType.ANY => AddWithAdditional(ref resolution, node.Records, start, count, node.AnyAdditional, source, zoneStart),
            _ => Add(ref resolution, node.Records, start, count, source, zoneStart),
        };
    }

    /// <summary>The fixed names of a cluster zone that are not in the index (specification.md §4).</summary>
    private Outcome StructuralName(ref Resolution resolution, ReadOnlySpan<char> relative, string? source, int zoneStart, RecordType type)
    {
        if (DnsLabels.EqualsIgnoreCase(relative, OwnerNames.DnsVersion))
        {
            return type is RecordType.TXT or RecordType.ANY ? Add(ref resolution, _dnsVersion, 0, 1, source, zoneStart) : Outcome.NoData;
        }

        if (DnsLabels.EqualsIgnoreCase(relative, OwnerNames.NameServer))
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

        // Empty non-terminals that always exist (specification.md §1).
        if (DnsLabels.EqualsIgnoreCase(relative, OwnerNames.ServiceLabel) || DnsLabels.EqualsIgnoreCase(relative, OwnerNames.PodLabel) || DnsLabels.EqualsIgnoreCase(relative, OwnerNames.DnsLabel))
        {
            return Outcome.NoData;
        }

        if (relative.Length > OwnerNames.PodSuffix.Length && DnsLabels.EqualsIgnoreCase(relative[^OwnerNames.PodSuffix.Length..], OwnerNames.PodSuffix))
        {
            return PodName(ref resolution, relative[..^OwnerNames.PodSuffix.Length], source, zoneStart, type);
        }

        return Outcome.NameError;
    }

    /// <summary>
    /// <c>&lt;ns&gt;.pod.Z</c> and <c>&lt;dashed-ip&gt;.&lt;ns&gt;.pod.Z</c> (specification.md §9). <paramref name="labels"/>
    /// is what precedes <c>.pod</c>.
    /// </summary>
    private Outcome PodName(ref Resolution resolution, ReadOnlySpan<char> labels, string? source, int zoneStart, RecordType type)
    {
        var mode = Data.Settings.Pods;
        var dot = labels.IndexOf('.');
        var ns = dot < 0 ? labels : labels[(dot + 1)..];
        if (mode == PodRecordMode.Disabled || ns.IndexOf('.') >= 0 || !NamespaceVisible(ns))
        {
            return Outcome.NameError;
        }

        if (dot < 0)
        {
            return Outcome.NoData;
        }

        if (!PodAddress.TryParse(labels[..dot], out var address, out var isV6))
        {
            return Outcome.NameError;
        }

        if (mode == PodRecordMode.Verified)
        {
            Span<char> key = stackalloc char[PodData.MaxKeyLength];
            var entry = PodData.TryFormatKey(address, isV6, ns, key, out var length) ? Data.PodIndex.Index.Find(key[..length]) : null;
            return entry is null ? Outcome.NameError : AnswerFromNode(ref resolution, entry.Node, source, zoneStart, type);
        }

        // Insecure: any well-formed address answers with itself; SRV and the other family are NODATA (§9, §16 g).
        var wanted = isV6 ? RecordType.AAAA : RecordType.A;
        if (type != wanted && type != RecordType.ANY)
        {
            return Outcome.NoData;
        }

        var record = PodRecords.Insecure(address, isV6, Data.Settings.Ttl);
        return resolution.TryAddInlineAnswer(record, source, zoneStart) ? Outcome.Answer : Outcome.Stop;
    }

    /// <summary>True when the namespace exists and is allowed: exactly when <c>&lt;ns&gt;.svc</c> is indexed.</summary>
    private bool NamespaceVisible(ReadOnlySpan<char> ns)
    {
        Span<char> key = stackalloc char[OwnerNames.MaxServiceKeyLength];
        return !ns.IsEmpty && OwnerNames.TryFormatServiceKey(default, ns, key, out var length) && Data.Index.Find(key[..length]) is not null;
    }

    private static uint Mix(uint seed, uint n)
    {
        var h = (seed * 0x9E3779B9u) ^ n;
        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        return h;
    }

    /// <summary>
    /// Reverse zones (specification.md §8): the apex answers SOA and NS; addresses of cluster IPs and ready endpoints
    /// answer PTR and their ancestors exist; every other name is NXDOMAIN that a host may forward.
    /// </summary>
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

        var node = Data.Reverse.Index.Find(name);
        if (node is not null)
        {
            // A PTR name, or an ancestor of one (an empty non-terminal): NODATA for every other type (§8).
            var outcome = AnswerFromNode(ref resolution, node, null, zoneStart, type);
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
