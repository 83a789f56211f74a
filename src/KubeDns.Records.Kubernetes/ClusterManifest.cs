using System.Collections.Immutable;
using k8s;
using k8s.Models;
using KubeDns.Records.Kubernetes.Internal;

namespace KubeDns.Records.Kubernetes;

/// <summary>
/// A whole cluster described by Kubernetes manifests, turned into descriptors: Namespaces, Services, EndpointSlices
/// (legacy Endpoints mapped to slices), and Pods. It completes manifests the way a cluster would: a Service without a
/// cluster IP gets one from the service range (<see cref="ManifestOptions.ServiceCidrs"/>) with a warning, and a
/// Service with a selector but no EndpointSlice or Endpoints gets the slices the EndpointSlice controller would make
/// from the pods it selects. Immutable once loaded.
/// </summary>
/// <remarks>
/// Errors never leave half a cluster: loading throws <see cref="ManifestException"/> listing every problem, each
/// naming file, document, object and field with the line and column; <see cref="ApplyTo"/> maps the cluster state's
/// own validation errors back to the documents that produced the objects.
/// </remarks>
public sealed class ClusterManifest
{
    private readonly Dictionary<string, SourceEntry> _sources;
    private readonly Dictionary<ObjectKey, (IClusterObject Descriptor, string Fingerprint)> _objects;

    private ClusterManifest(
        List<NamespaceDescriptor> namespaces,
        List<KubernetesServiceDescriptor> services,
        List<EndpointSliceDescriptor> slices,
        List<PodDescriptor> pods,
        List<string> warnings,
        List<SkippedManifestObject> skipped,
        List<string> servicesWithoutPods,
        Dictionary<string, SourceEntry> sources)
    {
        SkippedObjects = skipped;
        Namespaces = namespaces;
        Services = services;
        EndpointSlices = slices;
        Pods = pods;
        Warnings = warnings;
        ServicesWithoutPods = servicesWithoutPods;
        _sources = sources;
        _objects = [];
        foreach (var descriptor in namespaces.Cast<IClusterObject>().Concat(services).Concat(slices).Concat(pods))
        {
            _objects[descriptor.Key] = (descriptor, DescriptorFingerprint.Of(descriptor));
        }
    }

    /// <summary>The namespaces, in manifest order.</summary>
    public IReadOnlyList<NamespaceDescriptor> Namespaces { get; }

    /// <summary>The services, in manifest order, with allocated cluster IPs filled in.</summary>
    public IReadOnlyList<KubernetesServiceDescriptor> Services { get; }

    /// <summary>The EndpointSlices: those given, those mapped from Endpoints, then those derived from pods.</summary>
    public IReadOnlyList<EndpointSliceDescriptor> EndpointSlices { get; }

    /// <summary>The pods that are neither terminating nor finished, in manifest order.</summary>
    public IReadOnlyList<PodDescriptor> Pods { get; }

    /// <summary>
    /// What was completed or ignored, one line each: cluster IPs allocated, Endpoints ignored because EndpointSlices
    /// exist for the same service, a folder without manifest files. Objects of kinds cluster DNS does not use are not
    /// warnings; they are listed in <see cref="SkippedObjects"/>.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// The objects read but not used because cluster DNS does not use their kind (Deployments, ConfigMaps, CRDs, …),
    /// in the order read. Real manifest sets hold many, so a program may summarise them by <see cref="SkippedManifestObject.Kind"/>.
    /// </summary>
    public IReadOnlyList<SkippedManifestObject> SkippedObjects { get; }

    /// <summary>
    /// The Services (<c>namespace/name</c>, in manifest order) whose endpoints are derived from pods but whose selector
    /// matches no pod that has an IP, so they have no endpoints: typically Services of Deployments or StatefulSets
    /// whose pods are not in the manifests, or of Pods written without status. Their names answer NXDOMAIN (a
    /// headless Service) or have no SRV targets. <see cref="ManifestOptions.SimulateWorkloads"/> creates the pods
    /// their workloads would run; what is left here then selects nothing even so. Not repeated in <see cref="Warnings"/>.
    /// </summary>
    public IReadOnlyList<string> ServicesWithoutPods { get; }

    /// <summary>
    /// Reads manifests from files and folders: YAML or JSON, several documents per file, <c>kind: List</c> and typed
    /// lists. A folder contributes its <c>.yaml</c>, <c>.yml</c> and <c>.json</c> files (not its subfolders), in name
    /// order, as <c>kubectl apply -f</c> does.
    /// </summary>
    /// <param name="paths">Files and folders.</param>
    /// <param name="options">Options; defaults when null.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="paths"/> is null.</exception>
    /// <exception cref="ManifestException">A path is missing, or a document is malformed or invalid; lists every error.</exception>
    public static ClusterManifest Load(IEnumerable<string> paths, ManifestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new ManifestOptions();
        var list = paths as IReadOnlyList<string> ?? [.. paths];

        // The files as they were before the read: a ManifestFolderWatcher made from this manifest takes an edit made
        // during or after the read for a change, instead of losing it between the read and its first look.
        string? listing;
        try
        {
            listing = ManifestFileSnapshot.Take(list, withContents: false).Listing;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            listing = null; // a path that is no path (empty, null, bad characters): the read below reports it
        }

        var errors = new List<string>();
        var warnings = new List<string>();
        var reader = new ManifestReader(options, errors, warnings);
        foreach (var path in list)
        {
            reader.ReadPath(path);
        }

        var manifest = Build(reader.Objects, options, errors, warnings, reader.Skipped);
        manifest.FileListing = listing;
        return manifest;
    }

    /// <summary>The files' listing taken just before <see cref="Load"/> read them; null for a manifest not loaded from files.</summary>
    internal string? FileListing { get; private set; }

    /// <summary>Namespaces, services, EndpointSlices and pods together.</summary>
    internal int ObjectCount => _objects.Count;

    /// <summary>
    /// The files <see cref="Load"/> reads for these paths, in the order it reads them: a folder's <c>.yaml</c>,
    /// <c>.yml</c> and <c>.json</c> files in name order, any other path as given (<see cref="Load"/> reports one that
    /// does not exist). A program that watches manifests compares these files before and after a load.
    /// </summary>
    /// <param name="paths">Files and folders.</param>
    /// <returns>The file paths.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="paths"/> is null.</exception>
    public static IReadOnlyList<string> Files(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(ManifestReader.FolderFiles(path));
            }
            else
            {
                files.Add(path);
            }
        }

        return files;
    }

    /// <summary>Reads manifests from one text (YAML or JSON, any number of documents).</summary>
    /// <param name="text">The manifests.</param>
    /// <param name="sourceName">The name errors use for the text, such as a file name.</param>
    /// <param name="options">Options; defaults when null.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ManifestException">A document is malformed or invalid; lists every error.</exception>
    public static ClusterManifest Parse(string text, string sourceName, ManifestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        return Parse([new KeyValuePair<string, string>(sourceName, text)], options);
    }

    /// <summary>Reads manifests from several named texts, as if each were a file.</summary>
    /// <param name="sources">Pairs of name (used in errors) and text.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sources"/> is null.</exception>
    /// <exception cref="ManifestException">A document is malformed or invalid; lists every error.</exception>
    public static ClusterManifest Parse(IEnumerable<KeyValuePair<string, string>> sources, ManifestOptions? options)
    {
        ArgumentNullException.ThrowIfNull(sources);
        options ??= new ManifestOptions();
        var errors = new List<string>();
        var warnings = new List<string>();
        var reader = new ManifestReader(options, errors, warnings);
        foreach (var (name, text) in sources)
        {
            reader.ReadText(name, text ?? string.Empty);
        }

        return Build(reader.Objects, options, errors, warnings, reader.Skipped);
    }

    /// <summary>
    /// Builds a cluster from KubernetesClient models (<see cref="V1Namespace"/>, <see cref="V1Service"/>,
    /// <see cref="V1EndpointSlice"/>, <see cref="V1Endpoints"/>, <see cref="V1Pod"/>, and with
    /// <see cref="ManifestOptions.SimulateWorkloads"/> <see cref="V1Deployment"/>, <see cref="V1ReplicaSet"/>,
    /// <see cref="V1StatefulSet"/>, <see cref="V1DaemonSet"/> and <see cref="V1Job"/>), completing it as
    /// <see cref="Load"/> does. Other objects are skipped and listed in <see cref="SkippedObjects"/>.
    /// </summary>
    /// <param name="objects">The objects.</param>
    /// <param name="options">Options; defaults when null.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="objects"/> is null.</exception>
    /// <exception cref="ManifestException">An object is invalid; lists every error.</exception>
    public static ClusterManifest FromObjects(IEnumerable<object> objects, ManifestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        options ??= new ManifestOptions();
        var errors = new List<string>();
        var warnings = new List<string>();
        var skipped = new List<SkippedManifestObject>();
        var list = new List<ManifestObject>();
        foreach (var item in objects)
        {
            var (kind, metadata) = item switch
            {
                V1Namespace n => ("Namespace", n.Metadata),
                V1Service s => ("Service", s.Metadata),
                V1EndpointSlice e => ("EndpointSlice", e.Metadata),
                V1Endpoints e => ("Endpoints", e.Metadata),
                V1Pod p => ("Pod", p.Metadata),
                _ when options.SimulateWorkloads && WorkloadSimulator.KindOf(item) is { } workload => workload,
                _ => ((string?)null, (V1ObjectMeta?)null),
            };
            if (kind is null)
            {
                // A model built in code often leaves kind and apiVersion unset; its type's attribute has them.
                var model = item as IKubernetesObject;
                var entity = item?.GetType().GetCustomAttributes(typeof(KubernetesEntityAttribute), inherit: false).FirstOrDefault() as KubernetesEntityAttribute;
                var objectMeta = (item as IMetadata<V1ObjectMeta>)?.Metadata;
                skipped.Add(new SkippedManifestObject(
                    model?.ApiVersion ?? (entity is null ? string.Empty : string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}"),
                    model?.Kind ?? entity?.Kind ?? item?.GetType().Name ?? "null",
                    objectMeta?.NamespaceProperty ?? string.Empty,
                    objectMeta?.Name ?? string.Empty,
                    $"skipped: cluster DNS does not use {item?.GetType().Name ?? "null"}"));
                continue;
            }

            if (string.IsNullOrEmpty(metadata?.Name))
            {
                errors.Add($"{kind}: metadata.name: is required");
                continue;
            }

            var ns = kind == "Namespace" ? string.Empty
                : string.IsNullOrEmpty(metadata.NamespaceProperty) ? options.DefaultNamespace : metadata.NamespaceProperty;
            if (kind != "Namespace")
            {
                metadata.NamespaceProperty = ns;
            }

            list.Add(new ManifestObject(kind, ns, metadata.Name, item!, Source: null));
        }

        return Build(list, options, errors, warnings, skipped);
    }

    /// <summary>A batch that upserts every object.</summary>
    /// <returns>A new batch.</returns>
    public ClusterChangeBatch ToBatch() => ChangesSince(null);

    /// <summary>
    /// The difference from an earlier manifest as one batch: deletes for objects that are gone, upserts for objects
    /// that are new or changed. Unchanged objects are left out, so applying it publishes nothing when nothing changed.
    /// </summary>
    /// <param name="previous">The manifest applied before; null gives every object.</param>
    /// <returns>A new batch.</returns>
    public ClusterChangeBatch ChangesSince(ClusterManifest? previous)
    {
        var batch = new ClusterChangeBatch();
        if (previous is not null)
        {
            foreach (var key in previous._objects.Keys.Where(k => !_objects.ContainsKey(k)).OrderBy(k => k.ToString(), StringComparer.Ordinal))
            {
                batch.Delete(key);
            }
        }

        foreach (var (key, (descriptor, fingerprint)) in _objects)
        {
            if (previous is not null && previous._objects.TryGetValue(key, out var before) && before.Fingerprint == fingerprint)
            {
                continue;
            }

            batch.Upsert(descriptor);
        }

        return batch;
    }

    /// <summary>
    /// Applies this manifest to a cluster state atomically: everything (or, with <paramref name="previous"/>, the
    /// difference from it), or nothing. Does not mark the state synced.
    /// </summary>
    /// <param name="state">The cluster state.</param>
    /// <param name="previous">The manifest the state holds now, to apply only the difference; null applies every object.</param>
    /// <returns>The snapshot that holds the manifest.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ManifestException">
    /// The state rejected an object; each error is the state's, prefixed with the file and document that produced
    /// the object. Nothing was applied.
    /// </exception>
    public ClusterSnapshot ApplyTo(ClusterState state, ClusterManifest? previous = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            return state.Apply(ChangesSince(previous));
        }
        catch (ClusterValidationException e)
        {
            throw new ManifestException([.. e.Errors.Select(Locate)]);
        }
    }

    private string Locate(string error) => Locate(_sources, error);

    /// <summary>
    /// Prefixes an error in the core's form (<c>Service kiada/quote: spec.ports[0].port: …</c>) with the file and
    /// document of the object it names, and appends the field's line and column.
    /// </summary>
    private static string Locate(Dictionary<string, SourceEntry> sources, string error)
    {
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 || !sources.TryGetValue(error[..colon], out var entry) || entry.Source is null)
        {
            return error;
        }

        if (entry.Via is not null)
        {
            return $"{entry.Source} ({entry.Label}, {entry.Via}): {error}";
        }

        var rest = error[(colon + 2)..];
        var fieldEnd = rest.IndexOf(": ", StringComparison.Ordinal);
        if (fieldEnd <= 0 || rest[..fieldEnd].Contains(' ', StringComparison.Ordinal))
        {
            return $"{entry.Source} ({entry.Label}): {rest}";
        }

        // The core names the descriptor's field (spec.clusterIPs[0]); the user looks for the one in the file.
        var field = rest[..fieldEnd];
        return $"{entry.Source} ({entry.Label}): {entry.Source.FieldAsWritten(field)}{rest[fieldEnd..]}{entry.Source.PositionOf(field)}";
    }

    private static ClusterManifest Build(List<ManifestObject> objects, ManifestOptions options, List<string> errors, List<string> warnings, List<SkippedManifestObject> skipped)
    {
        var sources = new Dictionary<string, SourceEntry>(StringComparer.Ordinal);
        var unique = new List<ManifestObject>();
        foreach (var item in objects)
        {
            if (sources.TryGetValue(item.Label, out var first))
            {
                var where = item.Source is null ? string.Empty : $"{item.Source} ";
                var position = item.Source?.PositionOf("metadata.name") ?? string.Empty;
                errors.Add($"{where}({item.Label}): is defined twice; first in {first.Source?.ToString() ?? "the objects given"}{position}");
                continue;
            }

            sources.Add(item.Label, new SourceEntry(item.Source, item.Label, Via: null));
            unique.Add(item);
        }

        var raw = new List<string>();
        if (options.SimulateWorkloads)
        {
            var made = new List<(ManifestObject Pod, ManifestObject Owner)>();
            unique = WorkloadSimulator.Run(unique, options, raw, warnings, made);
            foreach (var (pod, owner) in made)
            {
                sources.Add(pod.Label, new SourceEntry(owner.Source, owner.Label, "simulated pod"));
            }
        }

        var namespaces = new List<NamespaceDescriptor>();
        var services = new List<(V1Service Model, KubernetesServiceDescriptor Descriptor, List<bool> Families)>();
        var slices = new List<EndpointSliceDescriptor>();
        var pods = new List<PodDescriptor>();
        var activePods = new List<V1Pod>();
        foreach (var item in unique)
        {
            try
            {
                switch (item.Model)
                {
                    case V1Namespace n:
                        namespaces.Add(KubernetesDescriptors.ToNamespace(n));
                        break;
                    case V1Pod p when KubernetesDescriptors.ToPod(p) is { } pod:
                        pods.Add(pod);
                        activePods.Add(p);
                        break;
                    case V1Service s:
                        var (families, _) = ServiceFamilies.Wanted(s, raw, item.Label);
                        services.Add((s, KubernetesDescriptors.ToService(s, raw), families));
                        break;
                }
            }
            catch (KubernetesFeedException e)
            {
                raw.AddRange(e.Errors);
            }
        }

        var rawWarnings = new List<string>();
        AllocateClusterIPs(services, options, raw, rawWarnings);

        // Given EndpointSlices, then legacy Endpoints for services that have no slices.
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in unique)
        {
            if (item.Model is V1EndpointSlice slice)
            {
                var descriptor = KubernetesDescriptors.ToEndpointSlice(slice, raw);
                slices.Add(descriptor);
                covered.Add($"{descriptor.Namespace}/{descriptor.ServiceName}");
            }
        }

        foreach (var item in unique)
        {
            if (item.Model is V1Endpoints endpoints)
            {
                if (covered.Contains($"{item.Namespace}/{item.Name}"))
                {
                    warnings.Add($"{Where(item)}: ignored: EndpointSlices are given for Service {item.Namespace}/{item.Name}, and they take precedence");
                    continue;
                }

                var service = services.FirstOrDefault(s => s.Descriptor.Namespace == item.Namespace && s.Descriptor.Name == item.Name).Model;
                var mapped = KubernetesDescriptors.ToEndpointSlices(endpoints, service, raw);
                foreach (var descriptor in mapped)
                {
                    sources.TryAdd(ManifestObject.LabelOf("EndpointSlice", descriptor.Namespace, descriptor.Name), new SourceEntry(item.Source, item.Label, "mapped to EndpointSlices"));
                }

                slices.AddRange(mapped);
                covered.Add($"{item.Namespace}/{item.Name}");
            }
        }

        // Services with selectors and no slices: what the EndpointSlice controller would make from the pods.
        var podsByNamespace = activePods.ToLookup(p => KubernetesDescriptors.NamespaceOf(p.Metadata), StringComparer.Ordinal);
        var withoutPods = new List<string>();
        foreach (var (model, descriptor, families) in services)
        {
            if (covered.Contains($"{descriptor.Namespace}/{descriptor.Name}") || !EndpointController.Manages(model))
            {
                continue;
            }

            if (!podsByNamespace[descriptor.Namespace].Any(p => KubernetesDescriptors.PodIPs(p).Length > 0 && EndpointController.Matches(model.Spec.Selector, p.Metadata?.Labels)))
            {
                withoutPods.Add($"{descriptor.Namespace}/{descriptor.Name}");
            }

            var derivedFamilies = descriptor.IsHeadless
                ? families
                : [.. descriptor.ClusterIPs.Select(ip => ip.Contains(':', StringComparison.Ordinal)).Distinct()];
            var derived = EndpointController.Derive(model, derivedFamilies, podsByNamespace[descriptor.Namespace]);
            var label = ManifestObject.LabelOf("Service", descriptor.Namespace, descriptor.Name);
            foreach (var slice in derived)
            {
                sources.TryAdd(ManifestObject.LabelOf("EndpointSlice", slice.Namespace, slice.Name), new SourceEntry(sources[label].Source, label, "endpoints derived from pods"));
            }

            slices.AddRange(derived);
        }

        errors.AddRange(raw.Select(e => Locate(sources, e)));
        warnings.AddRange(rawWarnings.Select(w => Locate(sources, w)));
        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return new ClusterManifest(namespaces, [.. services.Select(s => s.Descriptor)], slices, pods, warnings, skipped, withoutPods, sources);

        static string Where(ManifestObject item) => item.Source is null ? item.Label : $"{item.Source} ({item.Label})";
    }

    /// <summary>
    /// Reserves every cluster IP given in the manifests, then allocates the missing ones, services in
    /// namespace/name order so the result does not depend on file order.
    /// </summary>
    private static void AllocateClusterIPs(
        List<(V1Service Model, KubernetesServiceDescriptor Descriptor, List<bool> Families)> services,
        ManifestOptions options,
        List<string> errors,
        List<string> warnings)
    {
        var allocator = new ClusterIPAllocator(options.ServiceCidrs, errors);
        var order = Enumerable.Range(0, services.Count)
            .Where(i => services[i].Descriptor.Type != ServiceType.ExternalName && !services[i].Descriptor.IsHeadless)
            .OrderBy(i => services[i].Descriptor.Namespace, StringComparer.Ordinal)
            .ThenBy(i => services[i].Descriptor.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var i in order)
        {
            var descriptor = services[i].Descriptor;
            var label = ManifestObject.LabelOf("Service", descriptor.Namespace, descriptor.Name);
            for (var j = 0; j < descriptor.ClusterIPs.Length; j++)
            {
                if (allocator.Reserve(descriptor.ClusterIPs[j], label) is { } owner)
                {
                    errors.Add($"{label}: spec.clusterIPs[{j}]: '{descriptor.ClusterIPs[j]}' is already allocated to {owner}");
                }
            }
        }

        foreach (var i in order)
        {
            var (model, descriptor, families) = services[i];
            var label = ManifestObject.LabelOf("Service", descriptor.Namespace, descriptor.Name);
            var ips = new List<string>();
            var allocated = false;
            foreach (var isV6 in families)
            {
                var given = descriptor.ClusterIPs.FirstOrDefault(ip => ip.Contains(':', StringComparison.Ordinal) == isV6);
                if (given is not null)
                {
                    ips.Add(given);
                    continue;
                }

                var ip = allocator.Allocate(descriptor.Namespace, descriptor.Name, isV6);
                if (ip is null)
                {
                    errors.Add($"{label}: spec.clusterIP: no free address left in {allocator.RangeText(isV6)}");
                    continue;
                }

                ips.Add(ip);
                allocated = true;
                warnings.Add($"{label}: spec.clusterIP: not set{(families.Count > 1 ? " for " + (isV6 ? "IPv6" : "IPv4") : string.Empty)}; allocated {ip} from {allocator.RangeText(isV6)}, as the API server would");
            }

            if (allocated)
            {
                ips.AddRange(descriptor.ClusterIPs.Where(ip => !ips.Contains(ip)));
                services[i] = (model, descriptor with { ClusterIPs = [.. ips] }, families);
            }
        }
    }

    /// <summary>Where an object named in errors came from; <see cref="Via"/> names a derivation (slices made from pods).</summary>
    private sealed record SourceEntry(ObjectSource? Source, string Label, string? Via);
}
