using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Snapshot.Properties;

/// <summary>The shapes of service the generators make.</summary>
internal enum ServiceKind
{
    ClusterIPv4,
    ClusterIPv6,
    DualStack,
    Headless,
    ExternalName,
}

/// <summary>One service port; slices carry it as <see cref="TargetPort"/>.</summary>
internal sealed record PortModel(string Name, int Number, ServiceProtocol Protocol)
{
    public string ProtocolLabel => Protocol switch
    {
        ServiceProtocol.Udp => "udp",
        ServiceProtocol.Sctp => "sctp",
        _ => "tcp",
    };

    /// <summary>The port on the endpoints (what a headless service's SRV records carry).</summary>
    public int TargetPort => Number < 65000 ? Number + 500 : Number;

    public override string ToString() => $"{(Name.Length == 0 ? "<unnamed>" : Name)} {Number}/{ProtocolLabel}";
}

/// <summary>One endpoint of an EndpointSlice: one or two addresses of one family, in slice <see cref="Slice"/> (0 or 1).</summary>
internal sealed record EndpointModel(ImmutableArray<string> Addresses, bool IsV6, bool? Ready, string? Hostname, int Slice)
{
    /// <summary>Ready when the condition is true or absent (specification.md §2).</summary>
    public bool IsReady => Ready ?? true;

    /// <summary>The names the endpoint is served under (specification.md §6.3): its hostname, else one dashed name per address.</summary>
    public IEnumerable<string> ServedNames => Hostname is not null ? [Hostname] : Addresses.Select(ClusterModel.Dashed);

    public override string ToString() =>
        $"[{string.Join(' ', Addresses)}] slice {Slice} ready={Ready?.ToString() ?? "absent"}{(Hostname is null ? string.Empty : " hostname=" + Hostname)}";
}

/// <summary>One generated service and its endpoints.</summary>
internal sealed record ServiceModel(
    string Namespace,
    string Name,
    ServiceKind Kind,
    ServiceType Type,
    int Index,
    bool V6First,
    ImmutableArray<PortModel> Ports,
    ImmutableArray<EndpointModel> Endpoints,
    string? ExternalTarget)
{
    public const string Zone = "cluster.local";

    public string Fqdn => $"{Name}.{Namespace}.svc.{Zone}";

    public bool IsClusterIP => Kind is ServiceKind.ClusterIPv4 or ServiceKind.ClusterIPv6 or ServiceKind.DualStack;

    public string? IPv4 => Kind is ServiceKind.ClusterIPv4 or ServiceKind.DualStack
        ? string.Create(CultureInfo.InvariantCulture, $"10.96.{Index / 256}.{Index % 256}")
        : null;

    public string? IPv6 => Kind is ServiceKind.ClusterIPv6 or ServiceKind.DualStack
        ? string.Create(CultureInfo.InvariantCulture, $"fd00:10:96::{Index:x}")
        : null;

    /// <summary>
    /// An IP literal as Kubernetes writes one: four dotted decimal parts, or IPv6 text (specification.md §11). Numeric
    /// host names such as "10.1" or "0x7f.1" are names, not literals.
    /// </summary>
    public bool HasIPLiteralTarget => Kind == ServiceKind.ExternalName && IsIPLiteral(ExternalTarget!);

    private static bool IsIPLiteral(string target)
    {
        if (target.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(target, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        var parts = target.TrimEnd('.').Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    /// <summary>The CNAME target as the library must serve it: lower case, absolute.</summary>
    public string? CnameTarget => Kind == ServiceKind.ExternalName && !HasIPLiteralTarget
        ? ExternalTarget!.ToLowerInvariant().TrimEnd('.') + "."
        : null;

    public IEnumerable<EndpointModel> ReadyEndpoints => Endpoints.Where(e => e.IsReady);

    /// <summary>Whether the service's own name exists (specification.md §5).</summary>
    public bool Exists => Kind switch
    {
        ServiceKind.Headless => ReadyEndpoints.Any(),
        ServiceKind.ExternalName => !HasIPLiteralTarget,
        _ => true,
    };

    /// <summary>The distinct addresses of ready endpoints of one family, normalised.</summary>
    public ImmutableHashSet<string> ReadyAddresses(bool v6) =>
        [.. ReadyEndpoints.Where(e => e.IsV6 == v6).SelectMany(e => e.Addresses).Select(ClusterModel.Normalize)];

    /// <summary>Every ready endpoint name (§6.3); not for ExternalName services, whose slices are ignored.</summary>
    public ImmutableHashSet<string> ReadyEndpointNames =>
        Kind == ServiceKind.ExternalName ? [] : [.. ReadyEndpoints.SelectMany(e => e.ServedNames)];

    /// <summary>Every name at or below the service that owns records (fully qualified, no trailing dot).</summary>
    public IEnumerable<string> AnsweredNames()
    {
        if (!Exists)
        {
            yield break;
        }

        yield return Fqdn;
        if (Kind == ServiceKind.ExternalName)
        {
            yield break;
        }

        // Named ports: a ClusterIP service's own; a headless service's come from its slices, which here carry every
        // service port, so the same names exist whenever some endpoint is ready.
        foreach (var port in Ports.Where(p => p.Name.Length > 0))
        {
            yield return $"_{port.Name}._{port.ProtocolLabel}.{Fqdn}";
        }

        foreach (var name in ReadyEndpointNames)
        {
            yield return $"{name}.{Fqdn}";
        }
    }

    public KubernetesServiceDescriptor ToDescriptor()
    {
        if (Kind == ServiceKind.ExternalName)
        {
            return ExternalName(Namespace, Name, ExternalTarget!) with { Ports = [.. Ports.Select(ToPort)] };
        }

        ImmutableArray<string> ips = Kind switch
        {
            ServiceKind.Headless => [KubernetesServiceDescriptor.None],
            ServiceKind.DualStack => V6First ? [IPv6!, IPv4!] : [IPv4!, IPv6!],
            ServiceKind.ClusterIPv6 => [IPv6!],
            _ => [IPv4!],
        };
        return Service(Namespace, Name, ips[0], [.. Ports.Select(ToPort)]) with
        {
            ClusterIPs = ips,
            Type = Kind == ServiceKind.Headless ? ServiceType.ClusterIP : Type,
        };

        static ServicePortDescriptor ToPort(PortModel p) => Port(p.Name, p.Number, p.Protocol);
    }

    /// <summary>The service's EndpointSlices: one per (family, slice number) that has endpoints.</summary>
    public IEnumerable<EndpointSliceDescriptor> SliceDescriptors()
    {
        ImmutableArray<EndpointPortDescriptor> ports = [.. Ports.Select(p => SlicePort(p.Name, p.TargetPort, p.Protocol))];
        foreach (var group in Endpoints.GroupBy(e => (e.IsV6, e.Slice)).OrderBy(g => g.Key.IsV6).ThenBy(g => g.Key.Slice))
        {
            // A dot cannot occur in a service name, so slice names are unique within the namespace.
            var sliceName = $"{Name}.{(group.Key.IsV6 ? "v6" : "v4")}-{group.Key.Slice}";
            var endpoints = group.Select((e, i) => new EndpointDescriptor
            {
                Addresses = e.Addresses,
                Ready = e.Ready,
                Hostname = e.Hostname,
                TargetRef = new ObjectReference { Kind = "Pod", Name = string.Create(CultureInfo.InvariantCulture, $"{Name}-pod-{i}") },
            });
            yield return Slice(Namespace, sliceName, Name, ports, [.. endpoints]) with
            {
                AddressType = group.Key.IsV6 ? EndpointAddressType.IPv6 : EndpointAddressType.IPv4,
            };
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  {Namespace}/{Name} {Kind}");
        if (IsClusterIP)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({Type}) v4={IPv4 ?? "-"} v6={IPv6 ?? "-"}{(V6First ? " v6-first" : string.Empty)}");
        }

        if (ExternalTarget is not null)
        {
            text.Append(" -> ").Append(ExternalTarget);
        }

        text.Append(" ports: [").Append(string.Join(", ", Ports)).Append(']');
        foreach (var e in Endpoints)
        {
            text.Append("\n    endpoint ").Append(e);
        }

        return text.ToString();
    }
}

/// <summary>A generated cluster, with the oracle the properties compare the library against.</summary>
internal sealed record ClusterModel(ImmutableArray<string> Namespaces, ImmutableArray<ServiceModel> Services)
{
    public const string Zone = ServiceModel.Zone;

    /// <summary>Names that always exist in a cluster zone with default options (specification.md §1, §4).</summary>
    private static readonly string[] StructuralNames =
        [Zone, $"dns-version.{Zone}", $"dns.{Zone}", $"ns.dns.{Zone}", $"svc.{Zone}", $"pod.{Zone}"];

    private ImmutableHashSet<string>? _existing;
    private Dictionary<string, ServiceModel>? _byFqdn;

    /// <summary>Every name the generated cluster owns records at (fully qualified, lower case, no trailing dot).</summary>
    public IEnumerable<string> AnsweredNames => Services.SelectMany(s => s.AnsweredNames());

    /// <summary>Every name that exists: answered names, their ancestors, structural names and namespaces.</summary>
    public ImmutableHashSet<string> ExistingNames => _existing ??= ComputeExisting();

    public static string Normalize(string address) => IPAddress.Parse(address).ToString();

    /// <summary>The dashed endpoint label of specification.md §6.3, computed independently of the library.</summary>
    public static string Dashed(string address)
    {
        var ip = IPAddress.Parse(address);
        if (!address.Contains(':', StringComparison.Ordinal))
        {
            return ip.ToString().Replace('.', '-');
        }

        var text = ip.ToString().Replace(':', '-');
        if (text.StartsWith('-'))
        {
            text = "0" + text;
        }

        if (text.EndsWith('-'))
        {
            text += "0";
        }

        return text;
    }

    /// <summary>Every ancestor of <paramref name="name"/> down to and including the zone apex.</summary>
    public static IEnumerable<string> Ancestors(string name)
    {
        var current = name;
        while (current.Length > Zone.Length)
        {
            current = current[(current.IndexOf('.', StringComparison.Ordinal) + 1)..];
            yield return current;
        }
    }

    public bool NameExists(string name) => ExistingNames.Contains(name.TrimEnd('.').ToLowerInvariant());

    public ServiceModel? ServiceAt(string name)
    {
        _byFqdn ??= Services.ToDictionary(s => s.Fqdn, StringComparer.OrdinalIgnoreCase);
        return _byFqdn.GetValueOrDefault(name.TrimEnd('.'));
    }

    public static bool IsInZone(string name)
    {
        var bare = name.TrimEnd('.').ToLowerInvariant();
        return bare == Zone || bare.EndsWith("." + Zone, StringComparison.Ordinal);
    }

    /// <summary>
    /// What a query of a type other than CNAME at <paramref name="name"/> must end in after following ExternalName
    /// aliases (specification.md §7, §11): the number of CNAME records, and whether the final answer is NXDOMAIN.
    /// Mirrors the documented rules: a loop or a chain of ten stops with NOERROR, an outside target stops with
    /// NOERROR, otherwise the final in-zone name decides.
    /// </summary>
    public (int Cnames, bool NameError, string Final) FollowAliases(string name)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var current = name.TrimEnd('.').ToLowerInvariant();
        while (true)
        {
            var service = ServiceAt(current);
            if (service?.CnameTarget is not { } target)
            {
                return (visited.Count, !NameExists(current), current);
            }

            if (!visited.Add(current) || visited.Count >= 10 || !IsInZone(target))
            {
                return (visited.Count, false, current);
            }

            current = target.TrimEnd('.');
        }
    }

    /// <summary>
    /// Names worth asking about: every existing name, plus near misses that must not exist (unknown services,
    /// names below ExternalName services, not-ready endpoints, wrong protocols, names outside the shapes).
    /// </summary>
    public IEnumerable<string> ProbeNames()
    {
        var probes = new SortedSet<string>(ExistingNames, StringComparer.Ordinal)
        {
            $"nope.svc.{Zone}",
            $"foo.{Zone}",
            $"x.dns-version.{Zone}",
            $"x.pod.{Zone}",
        };
        foreach (var ns in Namespaces)
        {
            probes.Add($"no-such-service.{ns}.svc.{Zone}");
            probes.Add($"a.b.c.d.e.{ns}.svc.{Zone}");
        }

        foreach (var s in Services)
        {
            probes.Add(s.Fqdn);
            probes.Add($"x.{s.Fqdn}");
            probes.Add($"_nope._tcp.{s.Fqdn}");
            probes.Add($"_tcp.{s.Fqdn}");
            probes.Add($"_udp.{s.Fqdn}");
            foreach (var p in s.Ports.Where(p => p.Name.Length > 0))
            {
                probes.Add($"{p.Name}.{p.ProtocolLabel}.{s.Fqdn}");
                probes.Add($"_{p.Name}._{(p.Protocol == ServiceProtocol.Udp ? "tcp" : "udp")}.{s.Fqdn}");
            }

            foreach (var e in s.Endpoints)
            {
                foreach (var n in e.ServedNames)
                {
                    probes.Add($"{n}.{s.Fqdn}");
                }

                foreach (var a in e.Addresses)
                {
                    probes.Add($"{Dashed(a)}.{s.Fqdn}");
                }
            }
        }

        return probes;
    }

    /// <summary>Every object of the cluster: namespaces, then each service followed by its slices.</summary>
    public IEnumerable<(ObjectKey Key, IClusterObject Descriptor)> Objects()
    {
        foreach (var ns in Namespaces)
        {
            var descriptor = new NamespaceDescriptor { Name = ns };
            yield return (descriptor.Key, descriptor);
        }

        foreach (var s in Services)
        {
            var service = s.ToDescriptor();
            yield return (service.Key, service);
            foreach (var slice in s.SliceDescriptors())
            {
                yield return (slice.Key, slice);
            }
        }
    }

    /// <summary>Namespaces first, then services, then slices: one batch with everything.</summary>
    public ClusterChangeBatch ToBatch()
    {
        var batch = new ClusterChangeBatch();
        foreach (var (_, descriptor) in Objects())
        {
            batch.Upsert(descriptor);
        }

        return batch;
    }

    /// <summary>A synced state holding the cluster, default options.</summary>
    public ClusterState Build()
    {
        var state = new ClusterState(new ClusterDnsOptions());
        state.Apply(ToBatch());
        state.MarkSynced();
        return state;
    }

    public override string ToString()
    {
        var text = new StringBuilder("cluster: namespaces [").Append(string.Join(", ", Namespaces)).Append(']');
        foreach (var s in Services)
        {
            text.Append('\n').Append(s);
        }

        return text.ToString();
    }

    private ImmutableHashSet<string> ComputeExisting()
    {
        var names = new HashSet<string>(StructuralNames, StringComparer.Ordinal);
        foreach (var ns in Namespaces)
        {
            names.Add($"{ns}.svc.{Zone}");
        }

        foreach (var name in AnsweredNames)
        {
            names.Add(name);
            names.UnionWith(Ancestors(name));
        }

        return [.. names];
    }
}
