using System.Collections.Immutable;

namespace KubeDns.Records.Internal;

/// <summary>
/// The immutable cluster contents behind a snapshot: the objects as given, and the name index built from them.
/// Every map is persistent, so <see cref="Apply"/> shares everything a batch did not touch with the previous
/// state; its cost grows with what changed, not with the size of the cluster.
/// </summary>
internal sealed class ClusterData
{
    private ClusterData(
        DnsSettings settings,
        ImmutableDictionary<ObjectKey, ServiceDescriptor> services,
        ImmutableDictionary<ObjectKey, EndpointSliceDescriptor> slices,
        ImmutableDictionary<ObjectKey, ImmutableArray<EndpointSliceDescriptor>> slicesByService,
        ImmutableDictionary<string, NamespaceDescriptor> namespaces,
        ImmutableDictionary<ObjectKey, PodDescriptor> pods,
        ImmutableDictionary<string, int> namespaceRefs,
        ImmutableDictionary<ObjectKey, string[]> ownedNames,
        NameTrie<NameNode> index,
        (UInt128 Address, bool IsV6)[] nameServerAddresses)
    {
        Settings = settings;
        Services = services;
        Slices = slices;
        SlicesByService = slicesByService;
        Namespaces = namespaces;
        Pods = pods;
        NamespaceRefs = namespaceRefs;
        OwnedNames = ownedNames;
        Index = index;
        NameServerAddresses = nameServerAddresses;
    }

    public DnsSettings Settings { get; }

    public ImmutableDictionary<ObjectKey, ServiceDescriptor> Services { get; }

    public ImmutableDictionary<ObjectKey, EndpointSliceDescriptor> Slices { get; }

    /// <summary>Slices by the service key they name, sorted by slice name (ordinal) as behaviour.md §6.6 orders them.</summary>
    public ImmutableDictionary<ObjectKey, ImmutableArray<EndpointSliceDescriptor>> SlicesByService { get; }

    public ImmutableDictionary<string, NamespaceDescriptor> Namespaces { get; }

    public ImmutableDictionary<ObjectKey, PodDescriptor> Pods { get; }

    /// <summary>How many objects (the Namespace itself included) live in each namespace; a namespace exists while positive.</summary>
    public ImmutableDictionary<string, int> NamespaceRefs { get; }

    /// <summary>The index keys each service contributed, so a change can remove exactly those.</summary>
    public ImmutableDictionary<ObjectKey, string[]> OwnedNames { get; }

    /// <summary>Zone-relative owner names (<c>quote.kiada.svc</c>) to their records.</summary>
    public NameTrie<NameNode> Index { get; }

    public (UInt128 Address, bool IsV6)[] NameServerAddresses { get; }

    public static ClusterData CreateEmpty(DnsSettings settings) => new(
        settings,
        ImmutableDictionary<ObjectKey, ServiceDescriptor>.Empty,
        ImmutableDictionary<ObjectKey, EndpointSliceDescriptor>.Empty,
        ImmutableDictionary<ObjectKey, ImmutableArray<EndpointSliceDescriptor>>.Empty,
        ImmutableDictionary.Create<string, NamespaceDescriptor>(StringComparer.Ordinal),
        ImmutableDictionary<ObjectKey, PodDescriptor>.Empty,
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal),
        ImmutableDictionary<ObjectKey, string[]>.Empty,
        NameTrie<NameNode>.Empty,
        settings.NameServerAddresses ?? []);

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
                    if (change.Descriptor is ServiceDescriptor service)
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
                    var hadPod = pods.ContainsKey(key);
                    if (change.Descriptor is PodDescriptor pod)
                    {
                        pods[key] = pod;
                        if (!hadPod)
                        {
                            Count(key.Namespace, +1);
                        }
                    }
                    else if (hadPod)
                    {
                        pods.Remove(key);
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
        var owned = OwnedNames.ToBuilder();
        var synthesized = new List<KeyValuePair<string, NameNode>>();
        foreach (var serviceKey in affectedServices)
        {
            if (owned.TryGetValue(serviceKey, out var oldNames))
            {
                foreach (var name in oldNames)
                {
                    index.Remove(name);
                }

                owned.Remove(serviceKey);
            }

            if (!services.TryGetValue(serviceKey, out var service) || !Settings.IsNamespaceAllowed(serviceKey.Namespace))
            {
                continue;
            }

            synthesized.Clear();
            ServiceSynthesizer.Synthesize(service, slicesByService.GetValueOrDefault(serviceKey, []), Settings, synthesized);
            if (synthesized.Count == 0)
            {
                continue;
            }

            var names = new string[synthesized.Count];
            for (var i = 0; i < synthesized.Count; i++)
            {
                index.Set(synthesized[i].Key, synthesized[i].Value);
                names[i] = synthesized[i].Key;
            }

            owned[serviceKey] = names;
        }

        foreach (var ns in affectedNamespaces)
        {
            // <ns>.svc exists while the namespace does and is allowed (behaviour.md §4, §5).
            var key = ServiceSynthesizer.NamespaceKey(ns);
            if (refs.ContainsKey(ns) && Settings.IsNamespaceAllowed(ns))
            {
                index.Set(key, NameNode.EmptyNonTerminal);
            }
            else
            {
                index.Remove(key);
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

        return new ClusterData(
            Settings,
            services.ToImmutable(),
            slices.ToImmutable(),
            slicesByService.ToImmutable(),
            namespaces.ToImmutable(),
            pods.ToImmutable(),
            refs.ToImmutable(),
            owned.ToImmutable(),
            index.ToImmutable(),
            nameServerAddresses);
    }
}
