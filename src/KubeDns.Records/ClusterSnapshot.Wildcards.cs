using KubeDns.Records.Answers;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.Synthesis;

namespace KubeDns.Records;

/// <summary>
/// Wildcard answers (specification.md §10): the union of what every matched object answers, owned by the query name,
/// SRV weights over the whole answer. Only the answer arrays are allocated; the sets that remove duplicates are
/// reused per thread.
/// </summary>
public sealed partial class ClusterSnapshot
{
    [ThreadStatic]
    private static WildcardScratch? _threadScratch;

    private Outcome WildcardAnswer(ref Resolution resolution, ReadOnlySpan<char> relative, string? source, int zoneStart, RecordType type)
    {
        Wildcard.TrySplit(relative, out var ranges, out var count);
        var ns = relative[ranges[count - 1]];
        if (count == 1)
        {
            // <W>.svc.Z: the namespace position alone is an empty non-terminal.
            return Outcome.NoData;
        }

        // At each level a wildcard label that names an existing child is that child (RFC 4592 §2.2.1): the
        // namespace any, the service any of a namespace, the endpoint any of a service, the port any of a protocol.
        var nsVisible = NamespaceVisible(ns);
        var nsWildcard = Wildcard.IsWildcard(ns) && !nsVisible;
        if (!nsWildcard && !nsVisible)
        {
            return Outcome.NameError;
        }

        var svc = relative[ranges[count - 2]];
        var svcWildcard = Wildcard.IsWildcard(svc);
        var scratch = _threadScratch ??= new WildcardScratch();
        scratch.Clear();
        var matchedAny = false;

        foreach (var (catalogNs, services) in Data.Catalog)
        {
            if (!nsWildcard && !DnsLabels.EqualsIgnoreCase(catalogNs, ns))
            {
                continue;
            }

            var allServices = svcWildcard && !ServiceExists(svc, catalogNs);
            foreach (var (name, service) in services)
            {
                if (!allServices && !DnsLabels.EqualsIgnoreCase(name, svc))
                {
                    continue;
                }

                switch (count)
                {
                    case 2:
                        matchedAny = true;
                        scratch.Take(service.ServiceNode!, type);
                        break;
                    case 3:
                        matchedAny |= TakeThirdLabel(scratch, service, relative[ranges[0]], type);
                        break;
                    default:
                        matchedAny |= TakePorts(scratch, service, relative[ranges[0]], relative[ranges[1]], type);
                        break;
                }
            }
        }

        if (!matchedAny)
        {
            // <svc>.<W>.svc with no such service, and <W>.<svc>… or port names with no match, do not exist;
            // an existing namespace, or every namespace, with no service is empty (§10).
            return count == 2 && svcWildcard ? Outcome.NoData : Outcome.NameError;
        }

        return scratch.Emit(ref resolution, source, zoneStart, Data.Settings.Ttl);
    }

    /// <summary><c>&lt;E&gt;.&lt;svc&gt;.&lt;ns&gt;.svc</c>: endpoints, or the <c>_&lt;proto&gt;</c> empty non-terminal.</summary>
    private static bool TakeThirdLabel(WildcardScratch scratch, SynthesizedService service, ReadOnlySpan<char> label, RecordType type)
    {
        if (label.Length > 0 && label[0] == '_')
        {
            // _<proto>.<…> exists (NODATA) when some matching _<port>._<proto> name exists.
            foreach (var (_, protocol, _) in service.Ports)
            {
                if (ProtocolMatches(label, protocol))
                {
                    return true;
                }
            }

            return false;
        }

        var all = Wildcard.IsWildcard(label);
        foreach (var (endpointLabel, _) in service.Endpoints)
        {
            all &= !DnsLabels.EqualsIgnoreCase(endpointLabel, label);
        }

        var matched = false;
        foreach (var (endpointLabel, node) in service.Endpoints)
        {
            if (all || DnsLabels.EqualsIgnoreCase(endpointLabel, label))
            {
                matched = true;
                scratch.Take(node, type);
            }
        }

        return matched;
    }

    /// <summary>True when <c>&lt;label&gt;.&lt;ns&gt;.svc</c> is a name of the index: a service of that name, of any type.</summary>
    private bool ServiceExists(ReadOnlySpan<char> label, string ns)
    {
        Span<char> key = stackalloc char[OwnerNames.MaxServiceKeyLength];
        return OwnerNames.TryFormatServiceKey(label, ns, key, out var length) && Data.Index.Find(key[..length]) is not null;
    }

    /// <summary><c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc</c> with wildcards: the matching named ports' SRV records.</summary>
    private static bool TakePorts(WildcardScratch scratch, SynthesizedService service, ReadOnlySpan<char> port, ReadOnlySpan<char> protocol, RecordType type)
    {
        var matched = false;
        foreach (var (name, portProtocol, node) in service.Ports)
        {
            if (!ProtocolMatches(protocol, portProtocol))
            {
                continue;
            }

            // _any names the port "any" of this protocol when there is one, every port of it otherwise.
            var all = Wildcard.IsServiceLabelWildcard(port);
            foreach (var (other, otherProtocol, _) in service.Ports)
            {
                all &= otherProtocol != portProtocol || !IsPortLabel(port, other);
            }

            if (all || IsPortLabel(port, name))
            {
                matched = true;
                scratch.Take(node, type);
            }
        }

        return matched;
    }

    private static bool IsPortLabel(ReadOnlySpan<char> label, string name) =>
        label.Length > 1 && label[0] == '_' && DnsLabels.EqualsIgnoreCase(label[1..], name);

    private static bool ProtocolMatches(ReadOnlySpan<char> label, ServiceProtocol protocol) =>
        Wildcard.IsServiceLabelWildcard(label)
        || (label.Length > 1 && label[0] == '_' && DnsLabels.EqualsIgnoreCase(label[1..], OwnerNames.ProtocolLabel(protocol)));

    /// <summary>Per-thread lists and sets for building one wildcard answer.</summary>
    private sealed class WildcardScratch
    {
        private readonly List<StoredRecord> _a = [];
        private readonly List<StoredRecord> _aaaa = [];
        private readonly List<StoredRecord> _srv = [];
        private readonly List<StoredRecord> _glue = [];
        private readonly HashSet<(UInt128, bool)> _addresses = [];
        private readonly HashSet<(string, ushort)> _targets = [];
        private readonly HashSet<(string, UInt128, bool)> _glued = [];

        public void Clear()
        {
            _a.Clear();
            _aaaa.Clear();
            _srv.Clear();
            _glue.Clear();
            _addresses.Clear();
            _targets.Clear();
            _glued.Clear();
        }

        /// <summary>Adds what one matched node answers for the type, removing duplicates (§10).</summary>
        public void Take(NameNode node, RecordType type)
        {
            if (type is RecordType.A or RecordType.AAAA or RecordType.ANY)
            {
                for (var i = 0; i < node.SrvStart; i++)
                {
                    var record = node.Records[i];
                    if ((type == RecordType.ANY || record.Type == type) && _addresses.Add((record.Address, record.IsV6)))
                    {
                        (record.IsV6 ? _aaaa : _a).Add(record);
                    }
                }
            }

            if (type is RecordType.SRV or RecordType.ANY)
            {
                for (var i = node.SrvStart; i < node.Records.Length; i++)
                {
                    var record = node.Records[i];
                    if (_targets.Add((record.Target.Text, record.Port)))
                    {
                        _srv.Add(record);
                    }
                }

                foreach (var glue in node.SrvAdditional)
                {
                    if (_glued.Add((glue.Owner.Text, glue.Address, glue.IsV6)))
                    {
                        _glue.Add(glue);
                    }
                }
            }
        }

        public Outcome Emit(ref Resolution resolution, string? source, int zoneStart, uint ttl)
        {
            if (_a.Count + _aaaa.Count + _srv.Count == 0)
            {
                return Outcome.NoData;
            }

            Add(ref resolution, [.. _a], 0, _a.Count, source, zoneStart);
            Add(ref resolution, [.. _aaaa], 0, _aaaa.Count, source, zoneStart);
            if (_srv.Count > 0)
            {
                // The weight describes the records actually sent (§6.2), here over the whole union.
                var srv = SrvWeights.Reweighted(_srv, ttl);
                AddWithAdditional(ref resolution, srv, 0, srv.Length, [.. _glue], source, zoneStart);
            }

            return Outcome.Answer;
        }
    }
}
