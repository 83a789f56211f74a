using System.Collections.Immutable;
using System.Globalization;
using KubeDns.Records.Answers;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.Settings;

namespace KubeDns.Records.Synthesis;

/// <summary>
/// Turns one Service and its EndpointSlices into every owner name the service owns below
/// <c>&lt;svc&gt;.&lt;ns&gt;.svc</c>, with their records (specification.md §5, §6, §11). Runs when the service or one of
/// its slices changes, never per query. Keys are zone-relative and lower case, without a trailing dot.
/// </summary>
internal static class ServiceSynthesizer
{
    /// <summary>Builds every name the service owns; null when it owns none and nothing was left out.</summary>
    public static SynthesizedService? Synthesize(KubernetesServiceDescriptor service, ImmutableArray<EndpointSliceDescriptor> slices, DnsSettings settings)
    {
        var result = new SynthesizedService(service.Namespace, service.Name);
        Synthesize(service, slices, settings, result);
        return result.Names.Count == 0 && result.Warnings.Count == 0 ? null : result;
    }

    /// <summary>
    /// Null when the zone-relative key (<c>cart.shop.svc</c>) can be encoded in every cluster zone; otherwise the
    /// full name in the longest zone and why not. Cluster zones hold the same names, so the longest one judges.
    /// </summary>
    public static string? Unencodable(string key, DnsSettings settings)
    {
        var name = $"{key}.{settings.ZonesLongestFirst[0]}";
        return DnsLabels.EncodingProblem(name) is { } problem ? $"{name}. {problem}" : null;
    }

    /// <summary>A warning in the validator's form: object, field, value, then what is left out and why.</summary>
    public static ClusterWarning Warning(ObjectKey key, string field, string value, string problem, string consequence) =>
        new(key, $"{key}: {field}: '{value}': {problem}; {consequence}");

    private static void Synthesize(
        KubernetesServiceDescriptor service,
        ImmutableArray<EndpointSliceDescriptor> slices,
        DnsSettings settings,
        SynthesizedService result)
    {
        var output = result.Names;
        var key = OwnerNames.Service(service.Namespace, service.Name);
        var prefix = key + ".";
        var ttl = settings.Ttl;
        if (Unencodable(key, settings) is { } tooLong)
        {
            // A name DNS cannot carry does not exist, nor does anything below it (RFC 1035 §2.3.4).
            result.Warnings.Add(Warning(service.Key, "metadata.name", service.Name, tooLong, "the service has no names"));
            return;
        }

        if (service.Type == ServiceType.ExternalName)
        {
            result.IsExternalName = true;
            AddExternalName(service, key, prefix, settings, output);
            return;
        }

        var endpoints = CollectEndpoints(slices, settings, prefix, key, result.Warnings);
        var headless = service.IsHeadless;
        if (endpoints.Count == 0 && (headless || settings.IgnoreEmptyServices))
        {
            // Nothing exists at or below a headless service without ready endpoints (spec R13/R16), nor at an
            // empty service under IgnoreEmptyServices.
            return;
        }

        var a = new List<StoredRecord>();
        var aaaa = new List<StoredRecord>();
        var srvTargets = new List<(Endpoint? Target, ushort Port)>();
        var owner = NameRef.Relative(prefix);

        // Named ports: (port name, protocol) → the (target, port) pairs answered at _<port>._<proto>.<svc>.
        var named = new Dictionary<(string Name, ServiceProtocol Protocol), List<(Endpoint? Target, ushort Port)>>();

        if (headless)
        {
            var seen = new HashSet<(UInt128, bool)>();
            foreach (var endpoint in endpoints)
            {
                foreach (var record in endpoint.AddressRecords)
                {
                    if (seen.Add((record.Address, record.IsV6)))
                    {
                        (record.IsV6 ? aaaa : a).Add(record with { Owner = owner });
                    }
                }

                if (!endpoint.IsEncodable)
                {
                    // An SRV target that cannot be encoded is left out; the weights count the records sent (§6.2).
                    continue;
                }

                foreach (var port in endpoint.Ports)
                {
                    srvTargets.Add((endpoint, (ushort)port.Port!.Value));
                    if (port.Name.Length > 0)
                    {
                        GetList(named, (port.Name, port.Protocol)).Add((endpoint, (ushort)port.Port.Value));
                    }
                }
            }
        }
        else
        {
            foreach (var ip in service.ClusterIPs)
            {
                if (IPText.TryParse(ip, out var address, out var isV6))
                {
                    (isV6 ? aaaa : a).Add(StoredRecord.ForAddress(owner, ttl, address, isV6));
                    result.Ptrs.Add(new PtrOwner(service.Namespace, service.Name, null, address, isV6));
                }
            }

            foreach (var port in service.Ports)
            {
                srvTargets.Add((null, (ushort)port.Port));
                if (port.Name.Length > 0)
                {
                    GetList(named, (port.Name, port.Protocol)).Add((null, (ushort)port.Port));
                }
            }
        }

        var serviceAddresses = headless ? null : a.Concat(aaaa).ToArray();
        var srv = MakeSrv(srvTargets, owner, prefix, ttl, serviceAddresses, out var glue);
        result.ServiceNode = NameNode.ForRecords(a, aaaa, srv, glue);
        output.Add(new(key, result.ServiceNode));

        var protocols = new HashSet<ServiceProtocol>();
        foreach (var ((portName, protocol), targets) in named)
        {
            var portKey = OwnerNames.Port(portName, protocol, key);
            if (Unencodable(portKey, settings) is { } problem)
            {
                // No _<port>._<proto> name, and no _<proto> parent made by it alone (RFC 8020).
                var (source, field) = PortField(service, slices, portName, protocol);
                result.Warnings.Add(Warning(source, field, portName, problem, "the port has no SRV name of its own"));
                continue;
            }

            var portSrv = MakeSrv(targets, NameRef.Relative(portKey + "."), prefix, ttl, serviceAddresses, out var portGlue);
            var portNode = NameNode.ForRecords([], [], portSrv, portGlue);
            output.Add(new(portKey, portNode));
            result.Ports.Add(new(portName, protocol, portNode));
            if (protocols.Add(protocol))
            {
                // _<proto>.<svc> is an empty non-terminal above the port names (RFC 8020; specification.md §16 l).
                output.Add(new(OwnerNames.Protocol(protocol, key), NameNode.EmptyNonTerminal));
            }
        }

        foreach (var endpoint in endpoints)
        {
            if (!endpoint.IsEncodable)
            {
                continue;
            }

            var epOwner = NameRef.Relative(endpoint.Prefix);
            var epA = new List<StoredRecord>();
            var epAaaa = new List<StoredRecord>();
            foreach (var record in endpoint.AddressRecords)
            {
                (record.IsV6 ? epAaaa : epA).Add(record);
            }

            var epTargets = new List<(Endpoint? Target, ushort Port)>();
            foreach (var port in endpoint.Ports)
            {
                epTargets.Add((endpoint, (ushort)port.Port!.Value));
            }

            var epSrv = MakeSrv(epTargets, epOwner, prefix, ttl, serviceAddresses, out var epGlue);
            var endpointNode = NameNode.ForRecords(epA, epAaaa, epSrv, epGlue);
            output.Add(new(endpoint.Prefix[..^1], endpointNode));
            result.Endpoints.Add(new(endpoint.Label, endpointNode));
            foreach (var record in endpoint.AddressRecords)
            {
                result.Ptrs.Add(new PtrOwner(service.Namespace, service.Name, endpoint.Label, record.Address, record.IsV6));
            }
        }
    }

    /// <summary>The object and field that give a named port: the Service's port, or the first slice port of a headless service.</summary>
    private static (ObjectKey Owner, string Field) PortField(
        KubernetesServiceDescriptor service,
        ImmutableArray<EndpointSliceDescriptor> slices,
        string name,
        ServiceProtocol protocol)
    {
        if (!service.IsHeadless)
        {
            for (var i = 0; i < service.Ports.Length; i++)
            {
                if (service.Ports[i].Name == name && service.Ports[i].Protocol == protocol)
                {
                    return (service.Key, string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}].name"));
                }
            }
        }

        foreach (var slice in slices)
        {
            for (var i = 0; i < slice.Ports.Length; i++)
            {
                if (slice.Ports[i].Name == name && slice.Ports[i].Protocol == protocol)
                {
                    return (slice.Key, string.Create(CultureInfo.InvariantCulture, $"ports[{i}].name"));
                }
            }
        }

        return (service.Key, "spec.ports");
    }

    /// <summary>
    /// The addresses a service answers for A/AAAA at its own name: cluster IPs, or ready endpoint addresses when
    /// headless (specification.md §7, name-server addresses).
    /// </summary>
    public static (UInt128 Address, bool IsV6)[] ServedAddresses(
        KubernetesServiceDescriptor service,
        ImmutableArray<EndpointSliceDescriptor> slices,
        DnsSettings settings)
    {
        var result = new List<(UInt128, bool)>();
        if (service.Type == ServiceType.ExternalName)
        {
            return [];
        }

        if (!service.IsHeadless)
        {
            foreach (var ip in service.ClusterIPs)
            {
                if (IPText.TryParse(ip, out var address, out var isV6))
                {
                    result.Add((address, isV6));
                }
            }

            return [.. result];
        }

        foreach (var endpoint in CollectEndpoints(slices, settings, "ns.", serviceKey: null, warnings: null))
        {
            foreach (var record in endpoint.AddressRecords)
            {
                if (!result.Contains((record.Address, record.IsV6)))
                {
                    result.Add((record.Address, record.IsV6));
                }
            }
        }

        return [.. result];
    }

    private static void AddExternalName(
        KubernetesServiceDescriptor service,
        string key,
        string prefix,
        DnsSettings settings,
        List<KeyValuePair<string, NameNode>> output)
    {
        var target = service.ExternalName!;
        if (IPText.IsIPLiteral(target))
        {
            // An IP-literal externalName is accepted by Kubernetes but gives the service no records (specification.md §11).
            return;
        }

        var absolute = target.ToLowerInvariant().TrimEnd('.') + ".";
        var zoneStart = -1;
        var bare = absolute.AsSpan(0, absolute.Length - 1);
        foreach (var zone in settings.ZonesLongestFirst)
        {
            if (DnsLabels.EndsWithLabels(bare, zone))
            {
                zoneStart = bare.Length - zone.Length;
                break;
            }
        }

        var record = new StoredRecord(RecordType.CNAME, settings.Ttl, NameRef.Relative(prefix))
        {
            Target = NameRef.Absolute(absolute[..^1]),
        };
        output.Add(new(key, NameNode.ForCname(record, new CnameTarget(absolute, zoneStart))));
    }

    /// <summary>
    /// Builds the SRV records for (target, port) pairs: duplicates removed, then weight max(1, ⌊100/n⌋) over the
    /// records actually sent (specification.md §6.2, not CoreDNS's count before deduplication, §16 e), and the glue:
    /// each target's addresses once, in target order. A null target is the service name itself.
    /// </summary>
    private static List<StoredRecord> MakeSrv(
        List<(Endpoint? Target, ushort Port)> pairs,
        NameRef owner,
        string servicePrefix,
        uint ttl,
        StoredRecord[]? serviceAddresses,
        out StoredRecord[] glue)
    {
        var unique = new List<(Endpoint? Target, ushort Port)>(pairs.Count);
        var seen = new HashSet<(object, ushort)>(pairs.Count);
        foreach (var pair in pairs)
        {
            if (seen.Add(((object?)pair.Target ?? servicePrefix, pair.Port)))
            {
                unique.Add(pair);
            }
        }

        var weight = SrvWeights.For(unique.Count);
        var srv = new List<StoredRecord>(unique.Count);
        var glueList = new List<StoredRecord>();
        var glued = new HashSet<object>();
        foreach (var (target, port) in unique)
        {
            var targetName = NameRef.Relative(target?.Prefix ?? servicePrefix);
            srv.Add(StoredRecord.ForSrv(owner, ttl, weight, port, targetName));
            if (glued.Add((object?)target ?? servicePrefix))
            {
                glueList.AddRange(target is null ? serviceAddresses ?? [] : target.AddressRecords);
            }
        }

        glue = [.. glueList];
        return srv;
    }

    private static List<TValue> GetList<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        return list;
    }

    /// <summary>
    /// Ready endpoints grouped by the name they are served under (specification.md §6.3), in the order of their first
    /// appearance: slices by name (ordinal), then position in the slice. With <paramref name="serviceKey"/>, an
    /// endpoint whose name cannot be encoded is marked so and reported once, naming the slice and field that gave it.
    /// </summary>
    private static List<Endpoint> CollectEndpoints(
        ImmutableArray<EndpointSliceDescriptor> slices,
        DnsSettings settings,
        string servicePrefix,
        string? serviceKey,
        List<ClusterWarning>? warnings)
    {
        var result = new List<Endpoint>();
        var byName = new Dictionary<string, Endpoint>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (slice.AddressType == EndpointAddressType.Fqdn)
            {
                continue;
            }

            for (var index = 0; index < slice.Endpoints.Length; index++)
            {
                var descriptor = slice.Endpoints[index];
                if (!descriptor.IsReady)
                {
                    continue;
                }

                var sharedName = !string.IsNullOrEmpty(descriptor.Hostname)
                    ? descriptor.Hostname
                    : settings.EndpointPodNames
                      && descriptor.TargetRef is { } target
                      && string.Equals(target.Kind, "Pod", StringComparison.Ordinal)
                      && DnsLabels.IsRfc1123Label(target.Name)
                        ? target.Name
                        : null;

                foreach (var text in descriptor.Addresses)
                {
                    if (!IPText.TryParse(text, out var address, out var isV6))
                    {
                        continue;
                    }

                    var name = sharedName ?? IPText.Dashed(address, isV6);
                    if (!byName.TryGetValue(name, out var endpoint))
                    {
                        var problem = serviceKey is null ? null : Unencodable(OwnerNames.Endpoint(name, serviceKey), settings);
                        endpoint = new Endpoint(name, OwnerNames.Endpoint(name, servicePrefix)) { IsEncodable = problem is null };
                        byName.Add(name, endpoint);
                        result.Add(endpoint);
                        if (problem is not null)
                        {
                            var field = !string.IsNullOrEmpty(descriptor.Hostname) ? "hostname" : sharedName is not null ? "targetRef.name" : "addresses";
                            warnings?.Add(Warning(slice.Key, string.Create(CultureInfo.InvariantCulture, $"endpoints[{index}].{field}"), name, problem,
                                "the endpoint has no name, and SRV records do not target it"));
                        }
                    }

                    endpoint.Add(address, isV6, settings.Ttl);
                    endpoint.AddPorts(slice.Ports);
                }
            }
        }

        return result;
    }

    /// <summary>One endpoint name: its addresses (as records owned by the name) and the ports of its slices.</summary>
    private sealed class Endpoint(string label, string prefix)
    {
        /// <summary>The endpoint's label: host name, pod name or dashed address.</summary>
        public string Label { get; } = label;

        private readonly List<StoredRecord> _addresses = [];
        private readonly HashSet<(UInt128, bool)> _seen = [];

        /// <summary>The zone-relative name with a trailing dot: <c>db-0.db-headless.data.svc.</c>.</summary>
        public string Prefix { get; } = prefix;

        /// <summary>False when the name is too long for DNS: it owns nothing and no SRV record targets it.</summary>
        public bool IsEncodable { get; init; } = true;

        public List<StoredRecord> AddressRecords => _addresses;

        public List<EndpointPortDescriptor> Ports { get; } = [];

        public void Add(UInt128 address, bool isV6, uint ttl)
        {
            if (!_seen.Add((address, isV6)))
            {
                return;
            }

            _addresses.Add(StoredRecord.ForAddress(NameRef.Relative(Prefix), ttl, address, isV6));
        }

        public void AddPorts(ImmutableArray<EndpointPortDescriptor> ports)
        {
            foreach (var port in ports)
            {
                // Ports without a number mean "all ports" and cannot be an SRV record (specification.md §6.2).
                if (port.Port is not null && !Ports.Contains(port))
                {
                    Ports.Add(port);
                }
            }
        }
    }
}
