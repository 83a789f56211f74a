using System.Collections.Immutable;
using KubeDns.Records.Indexing;
using KubeDns.Records.Naming;
using KubeDns.Records.Settings;
using KubeDns.Records.Synthesis;

namespace KubeDns.Records.State;

/// <summary>
/// The immutable cluster contents behind a snapshot: the objects as given, and the name index built from them.
/// Every map is persistent, so <see cref="Apply"/> shares everything a batch did not touch with the previous
/// state; its cost grows with what changed, not with the size of the cluster.
/// </summary>
internal sealed class ClusterData
{
    private ClusterData(
        DnsSettings settings,
        ImmutableDictionary<ObjectKey, KubernetesServiceDescriptor> services,
        ImmutableDictionary<ObjectKey, EndpointSliceDescriptor> slices,
        ImmutableDictionary<ObjectKey, ImmutableArray<EndpointSliceDescriptor>> slicesByService,
        ImmutableDictionary<string, NamespaceDescriptor> namespaces,
        ImmutableDictionary<ObjectKey, PodDescriptor> pods,
        ImmutableDictionary<string, int> namespaceRefs,
        ImmutableDictionary<ObjectKey, SynthesizedService> contributions,
        NameTrie<NameNode> index,
        (UInt128 Address, bool IsV6)[] nameServerAddresses,
        ReverseData reverse,
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, SynthesizedService>> catalog,
        PodData podIndex,
        ImmutableDictionary<ObjectKey, List<ClusterWarning>> warnings,
        ClusterWarning[] addedWarnings)
    {
        Warnings = warnings;
        AddedWarnings = addedWarnings;
        Reverse = reverse;
        Catalog = catalog;
        PodIndex = podIndex;
        Settings = settings;
        Services = services;
        Slices = slices;
        SlicesByService = slicesByService;
        Namespaces = namespaces;
        Pods = pods;
        NamespaceRefs = namespaceRefs;
        Contributions = contributions;
        Index = index;
        NameServerAddresses = nameServerAddresses;
    }

    public DnsSettings Settings { get; }

    public ImmutableDictionary<ObjectKey, KubernetesServiceDescriptor> Services { get; }

    public ImmutableDictionary<ObjectKey, EndpointSliceDescriptor> Slices { get; }

    /// <summary>Slices by the service key they name, sorted by slice name (ordinal) as specification.md §6.6 orders them.</summary>
    public ImmutableDictionary<ObjectKey, ImmutableArray<EndpointSliceDescriptor>> SlicesByService { get; }

    public ImmutableDictionary<string, NamespaceDescriptor> Namespaces { get; }

    public ImmutableDictionary<ObjectKey, PodDescriptor> Pods { get; }

    /// <summary>How many objects (the Namespace itself included) live in each namespace; a namespace exists while positive.</summary>
    public ImmutableDictionary<string, int> NamespaceRefs { get; }

    /// <summary>What each visible service contributed (names, nodes, PTR owners), so a change removes exactly that.</summary>
    public ImmutableDictionary<ObjectKey, SynthesizedService> Contributions { get; }

    /// <summary>PTR names (specification.md §8).</summary>
    public ReverseData Reverse { get; }

    /// <summary>Visible services by namespace, then name, both in ordinal order: what wildcards enumerate (§10).</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, SynthesizedService>> Catalog { get; }

    /// <summary>Pod addresses by <c>&lt;dashed-ip&gt;.&lt;ns&gt;</c>, for Verified pod records (§9).</summary>
    public PodData PodIndex { get; }

    /// <summary>Zone-relative owner names (<c>quote.kiada.svc</c>) to their records.</summary>
    public NameTrie<NameNode> Index { get; }

    public (UInt128 Address, bool IsV6)[] NameServerAddresses { get; }

    /// <summary>The names each service left out because DNS cannot encode them, by service; services without any are absent.</summary>
    public ImmutableDictionary<ObjectKey, List<ClusterWarning>> Warnings { get; }

    /// <summary>The warnings that the batch which made this state raised and the previous state did not hold.</summary>
    public ClusterWarning[] AddedWarnings { get; }

    public static ClusterData CreateEmpty(DnsSettings settings) => new(
        settings,
        ImmutableDictionary<ObjectKey, KubernetesServiceDescriptor>.Empty,
        ImmutableDictionary<ObjectKey, EndpointSliceDescriptor>.Empty,
        ImmutableDictionary<ObjectKey, ImmutableArray<EndpointSliceDescriptor>>.Empty,
        ImmutableDictionary.Create<string, NamespaceDescriptor>(StringComparer.Ordinal),
        ImmutableDictionary<ObjectKey, PodDescriptor>.Empty,
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal),
        ImmutableDictionary<ObjectKey, SynthesizedService>.Empty,
        NameTrie<NameNode>.Empty,
        settings.NameServerAddresses ?? [],
        ReverseData.Empty,
        ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, SynthesizedService>>(StringComparer.Ordinal),
        PodData.Empty,
        ImmutableDictionary<ObjectKey, List<ClusterWarning>>.Empty,
        []);

    public bool NamespaceExists(string ns) => NamespaceRefs.ContainsKey(ns);

    /// <summary>
    /// Applies a validated batch (no duplicate keys) and returns the new state; this state is unchanged. Returns this
    /// same instance when the batch changes nothing (only deletes of objects that are not there).
    /// </summary>
    public ClusterData Apply(IReadOnlyList<ClusterChange> changes)
    {
        var changed = false;
        var services = Services.ToBuilder();
        var slices = Slices.ToBuilder();
        var slicesByService = SlicesByService.ToBuilder();
        var namespaces = Namespaces.ToBuilder();
        var pods = Pods.ToBuilder();
        var refs = NamespaceRefs.ToBuilder();
        var affectedServices = new HashSet<ObjectKey>();
        var affectedPods = new List<(PodDescriptor? Old, PodDescriptor? New)>();
        var affectedNamespaces = new HashSet<string>(StringComparer.Ordinal);

        void Count(string ns, int delta)
        {
            var n = refs.GetValueOrDefault(ns) + delta;
            if (n > 0)
            {
                refs[ns] = n;
            }
            else
            {
                refs.Remove(ns);
            }

            affectedNamespaces.Add(ns);
        }

        void Unlink(EndpointSliceDescriptor slice)
        {
            var serviceKey = ObjectKey.ForService(slice.Namespace, slice.ServiceName);
            var remaining = slicesByService[serviceKey].RemoveAll(s => string.Equals(s.Name, slice.Name, StringComparison.Ordinal));
            if (remaining.IsEmpty)
            {
                slicesByService.Remove(serviceKey);
            }
            else
            {
                slicesByService[serviceKey] = remaining;
            }

            affectedServices.Add(serviceKey);
        }

        foreach (var change in changes)
        {
            var key = change.Key;
            changed |= change.Descriptor is not null || key.Kind switch
            {
                ObjectKind.Namespace => Namespaces.ContainsKey(key.Name),
                ObjectKind.Service => Services.ContainsKey(key),
                ObjectKind.EndpointSlice => Slices.ContainsKey(key),
                _ => Pods.ContainsKey(key),
            };
            switch (key.Kind)
            {
                case ObjectKind.Namespace:
                    var hadNamespace = namespaces.ContainsKey(key.Name);
                    if (change.Descriptor is NamespaceDescriptor ns)
                    {
                        namespaces[key.Name] = ns;
                        if (!hadNamespace)
                        {
                            Count(key.Name, +1);
                        }
                    }
                    else if (hadNamespace)
                    {
                        namespaces.Remove(key.Name);
                        Count(key.Name, -1);
                    }

                    break;

                case ObjectKind.Service:
                    var hadService = services.ContainsKey(key);
                    if (change.Descriptor is KubernetesServiceDescriptor service)
                    {
                        services[key] = service;
                        if (!hadService)
                        {
                            Count(key.Namespace, +1);
                        }

                        affectedServices.Add(key);
                    }
                    else if (hadService)
                    {
                        services.Remove(key);
                        Count(key.Namespace, -1);
                        affectedServices.Add(key);
                    }

                    break;

                case ObjectKind.EndpointSlice:
                    var hadSlice = slices.TryGetValue(key, out var oldSlice);
                    if (hadSlice)
                    {
                        Unlink(oldSlice!);
                    }

                    if (change.Descriptor is EndpointSliceDescriptor slice)
                    {
                        slices[key] = slice;
                        var serviceKey = ObjectKey.ForService(slice.Namespace, slice.ServiceName);
                        var list = slicesByService.GetValueOrDefault(serviceKey, []);
                        var at = 0;
                        while (at < list.Length && string.CompareOrdinal(list[at].Name, slice.Name) < 0)
                        {
                            at++;
                        }

                        slicesByService[serviceKey] = list.Insert(at, slice);
                        affectedServices.Add(serviceKey);
                        if (!hadSlice)
                        {
                            Count(key.Namespace, +1);
                        }
                    }
                    else if (hadSlice)
                    {
                        slices.Remove(key);
                        Count(key.Namespace, -1);
                    }

                    break;

                case ObjectKind.Pod:
                    var hadPod = pods.TryGetValue(key, out var oldPod);
                    if (change.Descriptor is PodDescriptor pod)
                    {
                        pods[key] = pod;
                        affectedPods.Add((oldPod, pod));
                        if (!hadPod)
                        {
                            Count(key.Namespace, +1);
                        }
                    }
                    else if (hadPod)
                    {
                        pods.Remove(key);
                        affectedPods.Add((oldPod, null));
                        Count(key.Namespace, -1);
                    }

                    break;
            }
        }

        if (!changed)
        {
            return this;
        }

        var index = Index.ToBuilder();
        var contributions = Contributions.ToBuilder();
        var reverse = Reverse.ToBuilder(Settings);
        var catalog = Catalog.ToBuilder();
        var warnings = Warnings.ToBuilder();
        var addedWarnings = new List<ClusterWarning>();
        foreach (var serviceKey in affectedServices)
        {
            var oldWarnings = warnings.GetValueOrDefault(serviceKey);
            warnings.Remove(serviceKey);
            if (contributions.TryGetValue(serviceKey, out var old))
            {
                foreach (var name in old.Names)
                {
                    index.Remove(name.Key);
                }

                reverse.Remove(old.Ptrs);
                RemoveFromCatalog(catalog, old);
                contributions.Remove(serviceKey);
            }

            if (!services.TryGetValue(serviceKey, out var service) || !Settings.IsNamespaceAllowed(serviceKey.Namespace))
            {
                continue;
            }

            var synthesized = ServiceSynthesizer.Synthesize(service, slicesByService.GetValueOrDefault(serviceKey, []), Settings);
            if (synthesized is null)
            {
                continue;
            }

            foreach (var name in synthesized.Names)
            {
                index.Set(name.Key, name.Value);
            }

            if (synthesized.Warnings.Count > 0)
            {
                // Reported once: a warning the service already had (an edit that kept the bad name) is not new.
                warnings[serviceKey] = synthesized.Warnings;
                foreach (var warning in synthesized.Warnings)
                {
                    if (oldWarnings is null || !oldWarnings.Exists(w => w.Key == warning.Key && w.Message == warning.Message))
                    {
                        addedWarnings.Add(warning);
                    }
                }
            }

            reverse.Add(synthesized.Ptrs);
            AddToCatalog(catalog, synthesized);
            contributions[serviceKey] = synthesized;
        }

        foreach (var ns in affectedNamespaces)
        {
            // <ns>.svc exists while the namespace does and is allowed (specification.md §4, §5).
            // A namespace name too long for the zone does not exist either (names at the limits, specification.md
            // §4.1), and is reported once like a service or port name.
            var key = OwnerNames.Namespace(ns);
            var namespaceKey = ObjectKey.ForNamespace(ns);
            var oldWarnings = warnings.GetValueOrDefault(namespaceKey);
            warnings.Remove(namespaceKey);
            var problem = ServiceSynthesizer.Unencodable(key, Settings);
            if (refs.ContainsKey(ns) && Settings.IsNamespaceAllowed(ns) && problem is null)
            {
                index.Set(key, NameNode.EmptyNonTerminal);
                continue;
            }

            index.Remove(key);
            if (problem is not null && refs.ContainsKey(ns) && Settings.IsNamespaceAllowed(ns))
            {
                var warning = ServiceSynthesizer.Warning(namespaceKey, "metadata.name", ns, problem, "the namespace has no names");
                warnings[namespaceKey] = [warning];
                if (oldWarnings is null || !oldWarnings.Exists(w => w.Message == warning.Message))
                {
                    addedWarnings.Add(warning);
                }
            }
        }

        var nameServerAddresses = NameServerAddresses;
        if (Settings.NameServerAddresses is null && affectedServices.Contains(Settings.NameServerService))
        {
            // The name server's addresses are taken unfiltered: the allow-list and IgnoreEmptyServices do not hide them.
            nameServerAddresses = services.TryGetValue(Settings.NameServerService, out var nameServer)
                ? ServiceSynthesizer.ServedAddresses(nameServer, slicesByService.GetValueOrDefault(Settings.NameServerService, []), Settings)
                : [];
        }

        var podIndex = PodIndex;
        if (Settings.Pods == PodRecordMode.Verified && affectedPods.Count > 0)
        {
            var podBuilder = PodIndex.ToBuilder();
            foreach (var (oldPod, newPod) in affectedPods)
            {
                if (oldPod is not null && Settings.IsNamespaceAllowed(oldPod.Namespace))
                {
                    podBuilder.Remove(oldPod);
                }

                if (newPod is not null && Settings.IsNamespaceAllowed(newPod.Namespace))
                {
                    podBuilder.Add(newPod, Settings.Ttl);
                }
            }

            podIndex = podBuilder.ToImmutable();
        }

        return new ClusterData(
            Settings,
            services.ToImmutable(),
            slices.ToImmutable(),
            slicesByService.ToImmutable(),
            namespaces.ToImmutable(),
            pods.ToImmutable(),
            refs.ToImmutable(),
            contributions.ToImmutable(),
            index.ToImmutable(),
            nameServerAddresses,
            reverse.ToImmutable(),
            catalog.ToImmutable(),
            podIndex,
            warnings.ToImmutable(),
            [.. addedWarnings]);
    }

    private static void AddToCatalog(
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, SynthesizedService>>.Builder catalog,
        SynthesizedService service)
    {
        if (service.IsExternalName || service.ServiceNode is null)
        {
            // ExternalName services never match a wildcard (specification.md §10; RFC 1034 §3.6.2), nor does a service
            // without names (one DNS cannot encode).
            return;
        }

        var inNamespace = catalog.GetValueOrDefault(service.Namespace) ?? ImmutableSortedDictionary.Create<string, SynthesizedService>(StringComparer.Ordinal);
        catalog[service.Namespace] = inNamespace.SetItem(service.Name, service);
    }

    private static void RemoveFromCatalog(
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, SynthesizedService>>.Builder catalog,
        SynthesizedService service)
    {
        if (catalog.TryGetValue(service.Namespace, out var inNamespace))
        {
            inNamespace = inNamespace.Remove(service.Name);
            if (inNamespace.IsEmpty)
            {
                catalog.Remove(service.Namespace);
            }
            else
            {
                catalog[service.Namespace] = inNamespace;
            }
        }
    }
}
